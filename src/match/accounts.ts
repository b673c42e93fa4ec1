import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { PatmatchError } from '../domain/errors.js';
import { nameKey } from '../domain/names/index.js';
import { ROLES, type Role } from './schema.js';
import { parseInput } from '../util/validate.js';

/** A person who can log in. Managers belong to an organisation (their institution). */
export interface User {
  id: number;
  email: string;
  role: Role;
  organization: string | null;
  createdAt: string;
}

/** Who is making a request, and through what: a session cookie carries a CSRF token, an API token does not need one. */
export interface Principal {
  user: User;
  via: 'session' | 'api';
  csrfToken: string | null;
}

/** A new login session; `token` goes into the httpOnly cookie, `csrfToken` into the page. */
export interface Session {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

const newUserInput = z
  .object({
    email: z.email().max(254),
    password: z.string().min(8, 'must have at least 8 characters').max(1024),
    role: z.enum(ROLES),
    organization: z.string().trim().min(1).max(300).optional(),
  })
  .refine((user) => user.role !== 'manager' || user.organization !== undefined, {
    message: 'a manager needs an organization (the institution whose patents they manage)',
    path: ['organization'],
  });

/** Input of `Accounts.create`; `organization` is required for managers. */
export type NewUser = z.input<typeof newUserInput>;

interface UserRow {
  id: number;
  email: string;
  password_hash: string;
  role: Role;
  organization: string | null;
  created_at: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  role: row.role,
  organization: row.organization,
  createdAt: row.created_at,
});

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

/**
 * Users, password login (argon2id), API tokens and sessions. Tokens are random 256-bit values;
 * only their SHA-256 is stored, so a copy of the database does not let anyone log in.
 *
 * @example
 * const accounts = new Accounts(db);
 * const user = await accounts.create({ email: 'a@corp.example', password: 'long-secret', role: 'demander' });
 * const token = accounts.createApiToken(user.id);
 * accounts.authenticate(token)?.user.email // 'a@corp.example'
 */
export class Accounts {
  /** A hash to verify against when the email is unknown, so both cases take the same time. */
  #decoyHash: Promise<string> | undefined;

  constructor(private readonly db: Database.Database) {}

  /** Creates a user; throws `invalid_input` for a bad field and `conflict` when the email exists. */
  async create(input: NewUser): Promise<User> {
    const user = parseInput(newUserInput, input, 'new user');
    const email = user.email.toLowerCase();
    if (this.findByEmail(email)) throw new PatmatchError('conflict', `user ${email} already exists`);
    const passwordHash = await hash(user.password);
    const row = this.db
      .prepare(
        `INSERT INTO match_users (email, password_hash, role, organization, organization_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        email,
        passwordHash,
        user.role,
        user.organization ?? null,
        user.organization === undefined ? null : nameKey(user.organization),
        new Date().toISOString(),
      ) as UserRow;
    return toUser(row);
  }

  /** The user with this id, or `undefined`. */
  get(id: number): User | undefined {
    const row = this.db.prepare('SELECT * FROM match_users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  /** The user with this email (any case), or `undefined`. */
  findByEmail(email: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM match_users WHERE email = ?').get(email.toLowerCase()) as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  /** The user when the password is right, otherwise `undefined` (after the same amount of work). */
  async login(email: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM match_users WHERE email = ?').get(email.toLowerCase()) as
      | UserRow
      | undefined;
    this.#decoyHash ??= hash(randomBytes(16).toString('hex'));
    const ok = await verify(row?.password_hash ?? (await this.#decoyHash), password);
    return ok && row ? toUser(row) : undefined;
  }

  /** Creates a long-lived API token for `Authorization: Bearer`; it is shown once and stored hashed. */
  createApiToken(userId: number): string {
    const token = newToken('pm');
    this.db
      .prepare(`INSERT INTO match_tokens (user_id, kind, token_hash, created_at) VALUES (?, 'api', ?, ?)`)
      .run(userId, digest(token), new Date().toISOString());
    return token;
  }

  /** Starts a session that expires after `ttlMs` (and forgets sessions that have expired). */
  createSession(userId: number, ttlMs: number): Session {
    const session = { token: newToken('ps'), csrfToken: randomBytes(24).toString('base64url'), expiresAt: Date.now() + ttlMs };
    this.db.prepare(`DELETE FROM match_tokens WHERE kind = 'session' AND expires_at <= ?`).run(Date.now());
    this.db
      .prepare(
        `INSERT INTO match_tokens (user_id, kind, token_hash, csrf_token, created_at, expires_at)
         VALUES (?, 'session', ?, ?, ?, ?)`,
      )
      .run(userId, digest(session.token), session.csrfToken, new Date().toISOString(), session.expiresAt);
    return session;
  }

  /** The principal behind an API or session token, or `undefined` when it is unknown or expired. */
  authenticate(token: string, kind: 'api' | 'session'): Principal | undefined {
    const row = this.db
      .prepare(
        `SELECT u.*, t.csrf_token, t.expires_at FROM match_tokens t JOIN match_users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.kind = ?`,
      )
      .get(digest(token), kind) as (UserRow & { csrf_token: string | null; expires_at: number | null }) | undefined;
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return undefined;
    return { user: toUser(row), via: kind === 'api' ? 'api' : 'session', csrfToken: row.csrf_token };
  }

  /** Ends a session or revokes an API token; unknown tokens are ignored. */
  revoke(token: string): void {
    this.db.prepare('DELETE FROM match_tokens WHERE token_hash = ?').run(digest(token));
  }
}
