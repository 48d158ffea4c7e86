import { createHash } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { Platform } from '../../machines/index.js';

export interface AuthTokenClaims {
  schemeCode: string;
  platform: Platform;
  /** The user's bound number, from the app backend; sealed, so the client cannot read or change it. */
  boundPhoneNumber?: string;
}

const issuer = 'numberflow';
const audience = 'numberflow-client';
/** Decrypted tokens remembered at most; the oldest goes first. */
const verifiedTokensKept = 10_000;

/**
 * Auth tokens: what an app backend gets from GetFusionAuthToken and hands to its client.
 * An encrypted JWT (dir + A256GCM): opaque to the client, tamper-proof, self-contained,
 * so checking one needs no store read.
 */
export class AuthTokens {
  private readonly key: Uint8Array;
  /** Tokens already decrypted, by their text: a token is checked again without decrypting it. */
  private readonly verified = new Map<string, { claims: AuthTokenClaims; expiresAt: number }>();

  constructor(serverSecret: string) {
    this.key = createHash('sha256').update(`numberflow auth-token key\0${serverSecret}`).digest();
  }

  async issue(claims: AuthTokenClaims, durationSeconds: number, now: number): Promise<{ authToken: string; expiresAt: number }> {
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = issuedAt + durationSeconds;
    const authToken = await new EncryptJWT({
      scm: claims.schemeCode,
      plt: claims.platform,
      ...(claims.boundPhoneNumber ? { bpn: claims.boundPhoneNumber } : {}),
    })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .encrypt(this.key);
    return { authToken, expiresAt: expiresAt * 1000 };
  }

  /**
   * The claims of a valid token; null for anything forged, tampered with or expired. A client sends
   * the same token with every request of its session, so a token once decrypted is remembered
   * (bounded, until it expires) and checked again without decrypting it.
   */
  async verify(authToken: string, now: number): Promise<AuthTokenClaims | null> {
    const known = this.verified.get(authToken);
    if (known) return known.expiresAt > now ? known.claims : null;
    const checked = await this.decrypt(authToken, now);
    if (checked) {
      if (this.verified.size >= verifiedTokensKept) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(authToken, checked);
    }
    return checked?.claims ?? null;
  }

  private async decrypt(authToken: string, now: number): Promise<{ claims: AuthTokenClaims; expiresAt: number } | null> {
    try {
      const { payload } = await jwtDecrypt(authToken, this.key, {
        issuer,
        audience,
        currentDate: new Date(now),
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      if (typeof payload.scm !== 'string' || typeof payload.plt !== 'string' || typeof payload.exp !== 'number') return null;
      return {
        claims: { schemeCode: payload.scm, platform: payload.plt as Platform, ...(typeof payload.bpn === 'string' ? { boundPhoneNumber: payload.bpn } : {}) },
        expiresAt: payload.exp * 1000,
      };
    } catch {
      return null;
    }
  }
}
