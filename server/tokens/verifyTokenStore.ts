import { createHash, randomBytes } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../crypto/secretBox.js';
import type { KeyValueStore } from '../stores/keyValueStore.js';

export interface VerifyTokenClaim {
  sessionId: string;
  schemeCode: string;
  sceneCode: string;
  phoneNumber: string;
  method: string;
  phoneScore?: number;
  issuedAt: number;
}

const tokenPrefix = 'vt_';

/**
 * Verify tokens: 256 random bits, stored only under their SHA-256, single use by an atomic
 * read-and-delete, short-lived. A lookup by hash is a constant-time comparison in effect:
 * the secret itself is never compared byte by byte.
 *
 * The session keeps its token for its client to read again, sealed (AES-256-GCM under the server
 * secret): a copy of the store alone yields no token that could be redeemed.
 */
export class VerifyTokenStore {
  private readonly box: SecretBox;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs: number,
    serverSecret: string,
  ) {
    this.box = createSecretBox(serverSecret, 'verify-token at rest');
  }

  /** A new token for the claim: the token itself, and the sealed form a session keeps. */
  async issue(claim: VerifyTokenClaim): Promise<{ verifyToken: string; sealed: string; expiresAt: number }> {
    const verifyToken = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
    await this.kv.set(keyOf(verifyToken), JSON.stringify(claim), { ttlMs: this.ttlMs });
    return { verifyToken, sealed: this.box.seal(verifyToken), expiresAt: claim.issuedAt + this.ttlMs };
  }

  /** The token a session keeps, for its client; null for anything that is not one (e.g. `[redacted]` in a replay). */
  reveal(kept: string): string | null {
    // Sessions from before sealing kept the token itself.
    if (kept.startsWith(tokenPrefix)) return kept;
    try {
      return this.box.open(kept);
    } catch {
      return null;
    }
  }

  /** The claim, once; null for an unknown, used or expired token. */
  async redeem(verifyToken: string): Promise<VerifyTokenClaim | null> {
    const raw = await this.kv.getDel(keyOf(verifyToken));
    return raw ? (JSON.parse(raw) as VerifyTokenClaim) : null;
  }
}

const keyOf = (token: string) => `verify-token:${createHash('sha256').update(token).digest('hex')}`;
