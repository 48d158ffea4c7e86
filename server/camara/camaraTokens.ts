import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import type { KeyValueStore } from '../stores/keyValueStore.js';

/** The scopes numberflow's CAMARA APIs ask for (the specs' `security` sections). */
export const camaraScopes = {
  verify: 'number-verification:verify',
  share: 'number-verification:device-phone-number:read',
  otp: 'one-time-password-sms:send-validate',
} as const;
/** What a token request may ask for; anything else is `invalid_scope`. */
export const grantableScopes: ReadonlySet<string> = new Set(['openid', ...Object.values(camaraScopes)]);

/**
 * How the user behind a token was authenticated (its `amr`): `network` when a carrier token proved the
 * number (the device's own mobile network said so); none for a two-legged token, which names nobody.
 */
export type AuthenticationMethod = 'network';

export interface AccessGrant {
  clientId: string;
  scopes: string[];
  /** A three-legged token's number (numberflow form: 11 digits for the mainland, else E.164). */
  phoneNumber?: string;
  amr?: AuthenticationMethod[];
}

export interface VerifiedAccess extends AccessGrant {
  tokenId: string;
}

const bindingSchema = z.object({
  clientId: z.string(),
  scopes: z.array(z.string()),
  phoneNumber: z.string().optional(),
  amr: z.array(z.literal('network')).optional(),
});

const signingAlgorithm = 'ES256';

/**
 * numberflow's access tokens for its CAMARA APIs: JWTs signed with an ES256 key that is made once and
 * kept in the store (so every process signs and checks alike), their public key published as a JWK
 * set. A token carries no number: the grant it stands for (client, scopes, number, how it was proved)
 * is kept in the store under its `jti` for the token's lifetime, so a token leaks nothing when decoded
 * and is refused once its record is gone.
 */
export class CamaraTokens {
  private constructor(
    private readonly kv: KeyValueStore,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly publicJwk: JWK,
    private readonly clock: () => number,
    readonly ttlSeconds: number,
  ) {}

  static async create(kv: KeyValueStore, clock: () => number, ttlSeconds: number): Promise<CamaraTokens> {
    const stored = await storedSigningKey(kv);
    const { d: _private, ...publicJwk } = stored;
    const kid = createHash('sha256')
      .update(JSON.stringify([publicJwk.crv, publicJwk.x, publicJwk.y]))
      .digest('base64url')
      .slice(0, 16);
    const privateKey = (await importJWK(stored, signingAlgorithm)) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, signingAlgorithm)) as CryptoKey;
    return new CamaraTokens(kv, privateKey, publicKey, { ...publicJwk, kid, alg: signingAlgorithm, use: 'sig' }, clock, ttlSeconds);
  }

  async issue(grant: AccessGrant, issuer: string): Promise<{ accessToken: string; expiresIn: number }> {
    const tokenId = randomBytes(18).toString('base64url');
    const nowSeconds = Math.floor(this.clock() / 1000);
    const accessToken = await new SignJWT({ scope: grant.scopes.join(' '), client_id: grant.clientId, ...(grant.amr ? { amr: grant.amr } : {}) })
      .setProtectedHeader({ alg: signingAlgorithm, kid: this.publicJwk.kid!, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setSubject(grant.phoneNumber ? `pairwise:${tokenId}` : grant.clientId)
      .setJti(tokenId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + this.ttlSeconds)
      .sign(this.privateKey);
    await this.kv.set(bindingKey(tokenId), JSON.stringify(grant), { ttlMs: this.ttlSeconds * 1000 });
    return { accessToken, expiresIn: this.ttlSeconds };
  }

  /** The grant behind a token, or null for one that is malformed, forged, expired or no longer on record. */
  async verify(accessToken: string): Promise<VerifiedAccess | null> {
    let tokenId: string | undefined;
    try {
      const { payload } = await jwtVerify(accessToken, this.publicKey, {
        algorithms: [signingAlgorithm],
        typ: 'at+jwt',
        currentDate: new Date(this.clock()),
        clockTolerance: 0,
      });
      tokenId = payload.jti;
    } catch {
      return null;
    }
    if (!tokenId) return null;
    const raw = await this.kv.get(bindingKey(tokenId));
    if (raw === null) return null;
    const binding = bindingSchema.safeParse(JSON.parse(raw));
    return binding.success ? { ...binding.data, tokenId } : null;
  }
}

const bindingKey = (tokenId: string) => `camara:access:${tokenId}`;

async function storedSigningKey(kv: KeyValueStore): Promise<JWK> {
  const key = 'secrets:camara-signing-key';
  const { privateKey } = await generateKeyPair(signingAlgorithm, { extractable: true });
  const candidate = await exportJWK(privateKey);
  await kv.set(key, JSON.stringify(candidate), { onlyIfAbsent: true });
  const stored = await kv.get(key);
  if (!stored) throw new Error('the CAMARA signing key vanished from the store');
  return JSON.parse(stored) as JWK;
}
