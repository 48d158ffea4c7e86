import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { toCamaraPhoneNumber } from '../../../adapters/camara/camaraPhoneNumber.js';
import { camaraAccess, requireScope } from '../../camara/camaraAccess.js';
import { camaraErrorHandler, camaraUnknownRoute, CamaraError, xCorrelator } from '../../camara/camaraError.js';
import { camaraPhoneNumberPattern, parseCamaraBody } from '../../camara/camaraInput.js';
import { camaraScopes, type VerifiedAccess } from '../../camara/camaraTokens.js';
import type { Services } from '../services.js';

/** The spec's server URL base path and version: `{apiRoot}/number-verification/v2`, apiRoot being `<numberflow>/camara`. */
export const numberVerificationBasePath = '/camara/number-verification/v2';

export const numberVerificationRequestSchema = z
  .object({
    phoneNumber: z.string().regex(camaraPhoneNumberPattern, 'must be E.164 with a leading +').optional(),
    hashedPhoneNumber: z
      .string()
      .regex(/^[a-fA-F0-9]{64}$/, 'must be the SHA-256 of the E.164 number, in hexadecimal')
      .optional(),
  })
  .strict()
  .refine((body) => (body.phoneNumber === undefined) !== (body.hashedPhoneNumber === undefined), 'give exactly one of phoneNumber and hashedPhoneNumber');
export const numberVerificationMatchSchema = z.object({ devicePhoneNumberVerified: z.boolean() });
export const numberVerificationShareSchema = z.object({ devicePhoneNumber: z.string().regex(camaraPhoneNumberPattern) });

/**
 * CAMARA Number Verification 2.1.0 served by numberflow: the number a carrier token proved when the
 * access token was issued (see the authorization server), checked or shared. Only a token that a
 * carrier (the device's mobile network) stands behind answers.
 */
export function camaraNumberVerificationRoutes(services: Services): Router {
  const router = Router();
  router.use(numberVerificationBasePath, xCorrelator, express.json({ limit: '16kb', strict: false }));

  router.post(`${numberVerificationBasePath}/verify`, async (req, res) => {
    const access = await camaraAccess(req, services.camaraTokens);
    const body = parseCamaraBody(numberVerificationRequestSchema, req.body);
    const devicePhoneNumber = networkProvenNumber(access, camaraScopes.verify);
    const verified =
      body.phoneNumber !== undefined
        ? body.phoneNumber === devicePhoneNumber
        : createHash('sha256').update(devicePhoneNumber).digest('hex') === body.hashedPhoneNumber!.toLowerCase();
    res.json({ devicePhoneNumberVerified: verified });
  });

  router.get(`${numberVerificationBasePath}/device-phone-number`, async (req, res) => {
    const access = await camaraAccess(req, services.camaraTokens);
    res.json({ devicePhoneNumber: networkProvenNumber(access, camaraScopes.share) });
  });

  router.use(numberVerificationBasePath, camaraUnknownRoute, camaraErrorHandler(services.logger));
  return router;
}

/** The token's number in E.164, if the token has the scope and the mobile network proved the number. */
function networkProvenNumber(access: VerifiedAccess, scope: string): string {
  requireScope(access, scope);
  if (!access.phoneNumber || !access.amr?.includes('network')) {
    throw new CamaraError(
      403,
      'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
      'Client must authenticate via the mobile network to use this service',
    );
  }
  return toCamaraPhoneNumber(access.phoneNumber);
}
