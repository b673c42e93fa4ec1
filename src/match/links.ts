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

/** What a demand's owner can do from an email link: stop the demand watching for new patents. */
export const DEMAND_LINK_ACTIONS = ['unwatch'] as const;
export type DemandLinkAction = (typeof DEMAND_LINK_ACTIONS)[number];

/** The signed part of a demand link (the watch digest's stop-watching link). */
export interface DemandLinkClaim {
  demandId: number;
  action: DemandLinkAction;
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
    return this.#mac(`patmatch-link\n${claim.matchId}\n${claim.action}\n${claim.expires}`);
  }

  /** True when `signature` is this server's for the claim (constant-time compare) and it has not expired. */
  verify(claim: LinkClaim, signature: string, now = Date.now()): boolean {
    return this.#same(this.sign(claim), signature) && claim.expires > now;
  }

  /**
   * The signature of a demand link; its text differs from a match link's, so neither can stand for the other.
   *
   * @example
   * signer.signDemand({ demandId: 3, action: 'unwatch', expires })
   */
  signDemand(claim: DemandLinkClaim): string {
    return this.#mac(`patmatch-demand-link\n${claim.demandId}\n${claim.action}\n${claim.expires}`);
  }

  /** Like `verify`, for demand links. */
  verifyDemand(claim: DemandLinkClaim, signature: string, now = Date.now()): boolean {
    return this.#same(this.signDemand(claim), signature) && claim.expires > now;
  }

  #mac(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  #same(expectedSignature: string, signature: string): boolean {
    const expected = Buffer.from(expectedSignature);
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
