/**
 * Applicant and inventor names: reading a field into an ordered list (`applicantList`,
 * `inventorList`), splitting space-joined co-applicants (`splitJoinedNames`), and the keys names
 * are compared by (`nameKey` for matching and filters, `spellingKey` for splitting).
 */
export { nameKey, spellingKey } from './key.js';
export { applicantList, inventorList, type NameList, type NameListOutcome } from './list.js';
export {
  splitJoinedNames,
  splitJoinedPersons,
  knownNames,
  NO_KNOWN_NAMES,
  type JoinedNames,
  type JoinedOutcome,
  type KnownNames,
} from './joined.js';
