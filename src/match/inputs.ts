import { z } from 'zod';
import { VISIBILITIES } from './schema.js';

// Control characters: none in one-line fields; a description may keep tabs and line breaks. The
// ranges are Unicode's Cc, spelt out: the OpenAPI document shows the pattern, and OpenAPI's regular
// expressions have no u flag, without which \p{Cc} would mean the letters p, C, c and braces.
const oneLine = (max: number) => z.string().trim().max(max).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must be one line without control characters');
const demandInput = z.object({
  name: oneLine(200).min(1, 'is empty'),
  description: z
    .string()
    .trim()
    .min(1, 'is empty')
    .max(5000)
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/u, 'must not contain control characters other than tabs and line breaks'),
  field: oneLine(200).optional(),
  transferKind: oneLine(100).optional(),
  contact: oneLine(300).optional(),
  /** Default private: only the owner and admins see it. */
  visibility: z.enum(VISIBILITIES).optional(),
  top: z.number().int().min(1).max(100).optional(),
  mode: z.enum(['seed', 'dense', 'hybrid', 'lexical']).optional(),
  // Types only: lengths, forms and date order are checked by validateFilters, as for a search.
  filters: z
    .object({
      ipc: z.string().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      applicant: z.string().optional(),
      status: z.string().optional(),
    })
    .strict()
    .optional(),
});
/** Body of `POST /api/demands`. */
export type DemandInput = z.input<typeof demandInput>;

const matchInput = z.object({
  applicationNumbers: z.array(z.string().regex(/^\d{13}$/, 'must be a 13-digit application number')).min(1).max(50),
  message: z.string().trim().max(2000).optional(),
});
/** Body of `POST /api/demands/{id}/matches`. */
export type MatchInput = z.input<typeof matchInput>;

const statusInput = z.object({
  status: z.enum(['viewed', 'accepted', 'declined', 'negotiating', 'transferred', 'closed']),
  message: z.string().trim().max(2000).optional(),
});
const messageInput = z.object({ message: z.string().trim().min(1, 'is empty').max(2000) });
// Strict, and at least one field: a misspelt field is refused rather than ignored. Other demand
// settings the owner may change are added here.
const demandPatch = z
  .object({ watch: z.boolean().optional(), visibility: z.enum(VISIBILITIES).optional() })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'must change at least one field (watch, visibility)');
/** Body of `PATCH /api/demands/{id}`. */
export type DemandPatch = z.input<typeof demandPatch>;

const proposalInput = z.object({
  applicationNumbers: matchInput.shape.applicationNumbers,
  message: z.string().trim().max(2000).optional(),
});
/** Body of `POST /api/manager/demands/{id}/proposals`. */
export type ProposalInput = z.input<typeof proposalInput>;

const seenInput = z
  .object({
    until: z.iso.datetime({ offset: true }).optional().describe('The newest `addedAt` the page showed; later additions stay new. Default: now.'),
  })
  .strict();

const assignInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  organization: z.string().trim().min(1).max(300),
});

/**
 * The zod schemas of the JSON bodies the match routes take. The service parses bodies with them,
 * and the OpenAPI document describes the bodies with JSON Schema generated from them.
 *
 * @example
 * matchBodies.message.safeParse({ message: '샘플 제공 가능 여부?' }).success // true
 */
export const matchBodies = {
  demand: demandInput,
  demandPatch,
  seen: seenInput,
  matches: matchInput,
  proposals: proposalInput,
  status: statusInput,
  message: messageInput,
  manager: assignInput,
} as const;
