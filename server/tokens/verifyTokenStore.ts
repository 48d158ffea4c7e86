import { createHash, randomBytes } from 'node:crypto';
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

/**
 * Verify tokens: 256 random bits, stored only under their SHA-256, single use by an atomic
 * read-and-delete, short-lived. A lookup by hash is a constant-time comparison in effect:
 * the secret itself is never compared byte by byte.
 */
export class VerifyTokenStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs: number,
  ) {}

  async issue(claim: VerifyTokenClaim): Promise<{ verifyToken: string; expiresAt: number }> {
    const verifyToken = `vt_${randomBytes(32).toString('base64url')}`;
    await this.kv.set(keyOf(verifyToken), JSON.stringify(claim), { ttlMs: this.ttlMs });
    return { verifyToken, expiresAt: claim.issuedAt + this.ttlMs };
  }

  /** The claim, once; null for an unknown, used or expired token. */
  async redeem(verifyToken: string): Promise<VerifyTokenClaim | null> {
    const raw = await this.kv.getDel(keyOf(verifyToken));
    return raw ? (JSON.parse(raw) as VerifyTokenClaim) : null;
  }
}

const keyOf = (token: string) => `verify-token:${createHash('sha256').update(token).digest('hex')}`;
