import type { Platform } from '../../machines/index.js';
import type { Services } from '../http/services.js';
import { normalizePhoneNumber } from '../phone/phoneNumber.js';
import { identityMismatches, type PresentedIdentity } from '../schemes/identityMatch.js';
import type { VerifyTokenClaim } from '../tokens/verifyTokenStore.js';

/**
 * GetFusionAuthToken and VerifyWithFusionAuthToken, once, for both ways in: the REST endpoints
 * (`/v1/fusion-auth/*`) and the vendor-compatible RPC endpoint at `/`.
 */

type FusionServices = Pick<Services, 'schemes' | 'authTokens' | 'verifyTokens' | 'metrics' | 'clock'>;

export interface FusionTokenRequest extends PresentedIdentity {
  schemeCode: string;
  platform: Platform;
  durationSeconds: number;
  /** The user's bound number, from the trusted backend, for scenes that check one. */
  phoneNumber?: string | undefined;
}

export type FusionTokenOutcome =
  | { issued: true; authToken: string; expiresAt: number }
  | { issued: false; reason: 'SCHEME_NOT_FOUND' }
  | { issued: false; reason: 'SCHEME_DISABLED' }
  | { issued: false; reason: 'APP_IDENTITY_MISMATCH'; fields: string[] }
  | { issued: false; reason: 'INVALID_PHONE_NUMBER' };

export async function issueFusionAuthToken(services: FusionServices, request: FusionTokenRequest): Promise<FusionTokenOutcome> {
  const scheme = await services.schemes.get(request.schemeCode);
  if (!scheme) return { issued: false, reason: 'SCHEME_NOT_FOUND' };
  if (!scheme.enabled) return { issued: false, reason: 'SCHEME_DISABLED' };
  const fields = identityMismatches(scheme, request);
  if (fields.length) return { issued: false, reason: 'APP_IDENTITY_MISMATCH', fields };
  let boundPhoneNumber: string | undefined;
  if (request.phoneNumber !== undefined) {
    boundPhoneNumber = normalizePhoneNumber(request.phoneNumber) ?? undefined;
    if (!boundPhoneNumber) return { issued: false, reason: 'INVALID_PHONE_NUMBER' };
  }
  const { authToken, expiresAt } = await services.authTokens.issue(
    { schemeCode: scheme.code, platform: scheme.platform, ...(boundPhoneNumber ? { boundPhoneNumber } : {}) },
    request.durationSeconds,
    services.clock(),
  );
  return { issued: true, authToken, expiresAt };
}

/** Redeems a verify token once; null if it is unknown, used or expired. */
export async function redeemVerifyToken(services: FusionServices, verifyToken: string): Promise<VerifyTokenClaim | null> {
  const claim = await services.verifyTokens.redeem(verifyToken);
  services.metrics.verifyTokensRedeemed.inc({ result: claim ? 'PASS' : 'refused' });
  return claim;
}
