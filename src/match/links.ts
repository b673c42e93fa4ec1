import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileExclusive } from '../util/atomic.js';

/** What a manager can do from an email link. */
export const LINK_ACTIONS = ['accept', 'decline', 'question'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** The signed part of a link: which match, which action, until when (ms since the epoch). */
export interface LinkClaim {
  matchId: number;
  action: LinkAction;
  expires: number;
}

/**
 * Reads the server secret from `<home>/secret`, creating it (32 random bytes, mode 0600) on first
 * use. The file appears complete or not at all, so processes starting together (`serve --workers`)
 * agree on one secret and never read a half-written one.
 *
 * @example
 * const secret = await loadSecret('.patmatch');
 */
export async function loadSecret(home: string): Promise<Buffer> {
  const path = join(home, 'secret');
  await writeFileExclusive(path, randomBytes(32).toString('hex'), 0o600);
  const secret = (await readFile(path, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(secret)) throw new Error(`${path} is not a 64-hex-digit secret; delete it to make a new one`);
  return Buffer.from(secret, 'hex');
}

/**
 * HMAC-SHA256 signatures for the accept / decline / question links mailed to managers.
 *
 * @example
 * const signer = new LinkSigner(secret);
 * const sig = signer.sign({ matchId: 7, action: 'accept', expires: Date.now() + 86_400_000 });
 * signer.verify({ matchId: 7, action: 'accept', expires }, sig) // true until it expires
 */
export class LinkSigner {
  constructor(private readonly secret: Buffer) {}

  /** The base64url signature of a claim. */
  sign(claim: LinkClaim): string {
    return createHmac('sha256', this.secret)
      .update(`patmatch-link\n${claim.matchId}\n${claim.action}\n${claim.expires}`)
      .digest('base64url');
  }

  /** True when `signature` is this server's for the claim (constant-time compare) and it has not expired. */
  verify(claim: LinkClaim, signature: string, now = Date.now()): boolean {
    const expected = Buffer.from(this.sign(claim));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected) && claim.expires > now;
  }
}
