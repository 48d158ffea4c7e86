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

/**
 * Auth tokens: what an app backend gets from GetFusionAuthToken and hands to its client.
 * An encrypted JWT (dir + A256GCM): opaque to the client, tamper-proof, self-contained,
 * so checking one needs no store read.
 */
export class AuthTokens {
  private readonly key: Uint8Array;

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

  /** The claims of a valid token; null for anything forged, tampered with or expired. */
  async verify(authToken: string, now: number): Promise<AuthTokenClaims | null> {
    try {
      const { payload } = await jwtDecrypt(authToken, this.key, {
        issuer,
        audience,
        currentDate: new Date(now),
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      if (typeof payload.scm !== 'string' || typeof payload.plt !== 'string') return null;
      return { schemeCode: payload.scm, platform: payload.plt as Platform, ...(typeof payload.bpn === 'string' ? { boundPhoneNumber: payload.bpn } : {}) };
    } catch {
      return null;
    }
  }
}
