import { Router } from 'express';
import { z } from 'zod';
import { platforms } from '../../../machines/index.js';
import { issueFusionAuthToken, redeemVerifyToken } from '../../verification/fusionAuth.js';
import { ApiError } from '../apiError.js';
import { schemeDisabled } from '../schemeParam.js';
import { authenticateAccessKey } from '../authentication.js';
import type { Services } from '../services.js';
import { clientIp } from '../clientIp.js';
import { parseInput } from '../validation.js';
import type { VerifyTokenClaim } from '../../tokens/verifyTokenStore.js';

export const tokenRequestSchema = z
  .object({
    schemeCode: z.string().min(1).max(64),
    platform: z.enum(platforms),
    packageName: z.string().max(256).optional(),
    packageSign: z.string().max(128).optional(),
    bundleId: z.string().max(256).optional(),
    appId: z.string().max(64).optional(),
    origin: z.string().max(512).optional(),
    /** The vendor's range for GetFusionAuthToken. */
    durationSeconds: z.number().int().min(900).max(43_200),
    phoneNumber: z.string().min(3).max(32).optional(),
  })
  .strict();

export const verifyRequestSchema = z.object({ verifyToken: z.string().min(1).max(512) }).strict();

/** The app backend's endpoints (HTTP Basic access key): GetFusionAuthToken and VerifyWithFusionAuthToken as REST. */
export function fusionAuthRoutes(services: Services): Router {
  const router = Router();

  router.post('/v1/fusion-auth/token', async (req, res) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    await authenticateAccessKey(req, services.accessKeys);
    const body = parseInput(tokenRequestSchema, req.body);
    const outcome = await issueFusionAuthToken(services, body);
    if (!outcome.issued) {
      switch (outcome.reason) {
        case 'SCHEME_NOT_FOUND':
          throw new ApiError(404, 'SCHEME_NOT_FOUND', `scheme ${body.schemeCode} does not exist`);
        case 'SCHEME_DISABLED':
          throw schemeDisabled(body.schemeCode);
        case 'APP_IDENTITY_MISMATCH':
          throw new ApiError(403, 'APP_IDENTITY_MISMATCH', `the app identity does not match scheme ${body.schemeCode}: ${outcome.fields.join(', ')}`, {
            fields: outcome.fields,
          });
        case 'INVALID_PHONE_NUMBER':
          throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'phoneNumber is not a valid mobile number');
      }
    }
    res.json({ authToken: outcome.authToken, expiresAt: new Date(outcome.expiresAt).toISOString() });
  });

  router.post('/v1/fusion-auth/verify', async (req, res) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    const key = await authenticateAccessKey(req, services.accessKeys);
    await services.limits.consume('verifyTokenExchangePerKey', key.id);
    const body = parseInput(verifyRequestSchema, req.body);
    const claim = await redeemVerifyToken(services, body.verifyToken);
    if (!claim) throw new ApiError(404, 'VERIFY_TOKEN_INVALID', 'the verify token is unknown, already used or expired');
    res.json(verifyAnswer(claim));
  });

  return router;
}

/** VerifyWithFusionAuthToken's answer for a redeemed token. */
export function verifyAnswer(claim: VerifyTokenClaim) {
  return {
    verifyResult: 'PASS' as const,
    phoneNumber: claim.phoneNumber,
    ...(claim.phoneScore === undefined ? {} : { phoneScore: claim.phoneScore }),
    sceneCode: claim.sceneCode,
    schemeCode: claim.schemeCode,
    method: claim.method,
  };
}
