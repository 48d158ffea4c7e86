import express, { Router } from 'express';
import { z } from 'zod';
import { camaraAccess, requireScope } from '../../camara/camaraAccess.js';
import { camaraErrorHandler, camaraUnknownRoute, xCorrelator } from '../../camara/camaraError.js';
import { camaraPhoneNumberPattern, parseCamaraBody } from '../../camara/camaraInput.js';
import { camaraScopes } from '../../camara/camaraTokens.js';
import { sendOtp, validateOtp } from '../../camara/otpSmsAuthentications.js';
import { clientIp } from '../clientIp.js';
import type { Services } from '../services.js';

/** The spec's server URL base path and version: `{apiRoot}/one-time-password-sms/v1`. */
export const otpSmsBasePath = '/camara/one-time-password-sms/v1';

export const sendCodeBodySchema = z
  .object({
    phoneNumber: z.string().regex(camaraPhoneNumberPattern, 'must be E.164 with a leading +'),
    message: z
      .string()
      .max(160)
      .regex(/\{\{code\}\}/, 'must contain {{code}} where the code goes'),
  })
  .strict();
export const sendCodeAnswerSchema = z.object({ authenticationId: z.string().max(36) });
export const validateCodeBodySchema = z.object({ authenticationId: z.string().min(1).max(36), code: z.string().min(1).max(10) }).strict();

/** CAMARA One Time Password SMS 1.1.1 served by numberflow, over its SMS engine and limits. */
export function camaraOtpSmsRoutes(services: Services): Router {
  const router = Router();
  router.use(otpSmsBasePath, xCorrelator, express.json({ limit: '16kb', strict: false }), async (req, _res, next) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    next();
  });

  router.post(`${otpSmsBasePath}/send-code`, async (req, res) => {
    const access = await camaraAccess(req, services.camaraTokens);
    const body = parseCamaraBody(sendCodeBodySchema, req.body);
    requireScope(access, camaraScopes.otp);
    res.json({ authenticationId: await sendOtp(services, access.clientId, body) });
  });

  router.post(`${otpSmsBasePath}/validate-code`, async (req, res) => {
    const access = await camaraAccess(req, services.camaraTokens);
    const body = parseCamaraBody(validateCodeBodySchema, req.body);
    requireScope(access, camaraScopes.otp);
    await validateOtp(services, access.clientId, body);
    res.status(204).end();
  });

  router.use(otpSmsBasePath, camaraUnknownRoute, camaraErrorHandler(services.logger));
  return router;
}
