import type Database from 'better-sqlite3';
import { migrate, type MigrationStep } from '../store/schema.js';
import { listMatchApplicants } from './applicants.js';
import { addMarketplace } from './market/schema.js';
import { allowLoggedEmails } from './outbox-states.js';
import { matchPerOrganisation } from './per-organisation.js';
import { addWatchColumns } from './watch/schema.js';

/**
 * Every status a match request can be in, in the order the workflow normally goes; a match a manager
 * proposed starts as `proposed`, one a demander requested as `requested`.
 */
export const MATCH_STATUSES = [
  'proposed',
  'requested',
  'notified',
  'viewed',
  'accepted',
  'declined',
  'negotiating',
  'transferred',
  'closed',
] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];

/** Who may see a demand: its owner and admins (`private`), or also managers whose patents match it (`public`). */
export const VISIBILITIES = ['private', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Who started a match: the demander requesting a recommended patent, or a manager proposing one of theirs. */
export type MatchOrigin = 'demander' | 'manager';

/** Account roles: a company that has demands, an institution's technology-licensing office, an operator. */
export const ROLES = ['demander', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const list = (values: readonly string[]): string => values.map((value) => `'${value}'`).join(', ');

/**
 * The match module's schema steps, in order. Exported so tests can build a database as an older
 * patmatch left it (`MATCH_MIGRATIONS.slice(0, 2)`).
 */
export const MATCH_MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE match_users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN (${list(ROLES)})),
    organization TEXT,
    organization_key TEXT,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE match_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES match_users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT,
    created_at TEXT NOT NULL,
    expires_at INTEGER
  ) STRICT;
  CREATE INDEX match_tokens_user ON match_tokens(user_id);
  CREATE TABLE match_managers (
    id INTEGER PRIMARY KEY,
    applicant TEXT NOT NULL,
    applicant_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    organization TEXT NOT NULL,
    organization_key TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE match_demands (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES match_users(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    field TEXT,
    transfer_kind TEXT,
    contact TEXT,
    query TEXT NOT NULL,
    mode TEXT NOT NULL,
    model TEXT NOT NULL,
    recommendations TEXT NOT NULL CHECK (json_valid(recommendations)),
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX match_demands_user ON match_demands(user_id);
  CREATE TABLE match_requests (
    id INTEGER PRIMARY KEY,
    demand_id INTEGER NOT NULL REFERENCES match_demands(id),
    application_number TEXT NOT NULL,
    title TEXT NOT NULL,
    applicant TEXT,
    manager_name TEXT,
    manager_email TEXT,
    organization TEXT,
    organization_key TEXT,
    status TEXT NOT NULL CHECK (status IN (${list(MATCH_STATUSES)})),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (demand_id, application_number)
  ) STRICT;
  CREATE INDEX match_requests_org ON match_requests(organization_key);
  CREATE TABLE match_events (
    id INTEGER PRIMARY KEY,
    match_id INTEGER NOT NULL REFERENCES match_requests(id),
    status TEXT NOT NULL CHECK (status IN (${list(MATCH_STATUSES)})),
    actor TEXT NOT NULL,
    message TEXT,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX match_events_match ON match_events(match_id);
  CREATE TABLE match_outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    match_id INTEGER REFERENCES match_requests(id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_at INTEGER,
    claim_token TEXT,
    last_error TEXT,
    smtp_response TEXT,
    sent_at INTEGER,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX match_outbox_due ON match_outbox(state, next_attempt_at);`,
  // The English words a demand's keyword search also looked for in Korean (null: none).
  `ALTER TABLE match_demands ADD COLUMN translations TEXT CHECK (translations IS NULL OR json_valid(translations));`,
  // Applicants as lists: match_requests.applicants (JSON) and `applicants` in recommendation snapshots.
  listMatchApplicants,
  // Recommendations carry their explanation since this version; older snapshots get an empty one
  // (nothing was recorded), so every stored hit has the shape readers expect.
  `UPDATE match_demands SET recommendations = (
    SELECT json_group_array(
      CASE WHEN json_type(value, '$.explanation') IS NULL
        THEN json_set(value, '$.explanation', json('{"sentences":[],"terms":[]}'))
        ELSE json(value) END
      ORDER BY key)
    FROM json_each(match_demands.recommendations));`,
  // Outbox state `logged`: written to the log without a mail server, not delivered (match_outbox is rebuilt).
  allowLoggedEmails,
  // One match per organisation of a requested patent's applicants: unique per (demand, patent, organisation).
  matchPerOrganisation,
  // Demand watch: whether a demand watches, its filters, its stored scoring, its watched revision.
  addWatchColumns,
  // Recommendations the watch adds carry when (`addedAt`) and by which index build (`build`) they
  // were found; those of the original snapshot get null for both.
  `UPDATE match_demands SET recommendations = (
    SELECT json_group_array(json_set(json(value), '$.addedAt', json('null'), '$.build', json('null')) ORDER BY key)
    FROM json_each(match_demands.recommendations));`,
  // Demand visibility, match origin and the status `proposed` (docs/matching.md, *Managers find demanders*).
  addMarketplace,
];

/**
 * Creates or upgrades the match tables (users, tokens, manager directory, demands, matches, timeline,
 * outbox) in the store's SQLite file. Safe to call on every start.
 *
 * @example
 * const db = openStore(home).db;
 * migrateMatch(db);
 */
export function migrateMatch(db: Database.Database): void {
  db.pragma('foreign_keys = ON');
  migrate(db, 'match', MATCH_MIGRATIONS);
}
