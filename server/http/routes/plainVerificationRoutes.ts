import { Router } from 'express';
import { z } from 'zod';
import { CarrierError, type CarrierFailureKind } from '../../../adapters/carrier/carrierGateway.js';
import { withCarrierDeadline } from '../../../adapters/carrier/withCarrierDeadline.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { ApiError } from '../apiError.js';
import { authenticateAccessKey } from '../authentication.js';
import { clientIp } from '../clientIp.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';

const phoneNumber = z.string().min(3).max(32);
export const getMobileSchema = z
  .object({ accessToken: z.string().min(1).max(4096), outId: z.string().max(64).optional(), h5: z.boolean().optional() })
  .strict();
export const verifyMobileSchema = getMobileSchema.extend({ phoneNumber });
export const sendCodeSchema = z
  .object({
    phoneNumber,
    /** Codes are kept apart per scheme name; check with the same one (the vendor's SchemeName). */
    schemeName: z.string().min(1).max(20).default('default'),
    codeLength: z.number().int().min(4).max(8).default(6),
    codeType: z.enum(['digits', 'upper', 'lower', 'mixedCase', 'digitsUpper', 'digitsLower', 'any']).default('digits'),
    validitySeconds: z.number().int().min(30).max(600).default(300),
    resendIntervalSeconds: z.number().int().min(0).max(3600).default(60),
    duplicatePolicy: z.enum(['replace', 'keep']).default('replace'),
    maxWrongTries: z.number().int().min(1).max(10).default(5),
    template: z.string().min(1).max(300).includes('##code##', { message: 'the template must contain ##code##' }).optional(),
    returnVerifyCode: z.boolean().default(false),
    outId: z.string().max(64).optional(),
  })
  .strict();
export const checkCodeSchema = z
  .object({
    phoneNumber,
    code: z.string().regex(/^[0-9A-Za-z]{4,8}$/),
    schemeName: z.string().min(1).max(20).default('default'),
    caseSensitive: z.boolean().default(false),
  })
  .strict();

const carrierFailures: Record<CarrierFailureKind, { status: number; code: string; message: string }> = {
  invalid: { status: 400, code: 'CARRIER_TOKEN_INVALID', message: 'the carrier token is unknown, used or expired' },
  mismatch: { status: 400, code: 'CARRIER_NOT_MATCH', message: 'the carrier token does not belong to this number or carrier' },
  timeout: { status: 504, code: 'CARRIER_TIMEOUT', message: 'the carrier did not answer in time' },
  error: { status: 502, code: 'CARRIER_ERROR', message: 'the carrier answered with an error' },
};

/**
 * The vendor's plain Phone Number Verification and SMS Verification, as REST for app
 * backends (HTTP Basic access key): get mobile, verify mobile, send SMS code, check SMS code.
 */
export function plainVerificationRoutes(services: Services): Router {
  const router = Router();
  const { carrier, sms } = services.adapters;

  router.use(['/v1/number-verification', '/v1/sms-verification'], async (req, _res, next) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    await authenticateAccessKey(req, services.accessKeys);
    next();
  });

  router.post('/v1/number-verification/get-mobile', async (req, res) => {
    const body = parseInput(getMobileSchema, req.body);
    const result = await exchange(services.config.carrierTimeoutMs, (signal) =>
      carrier.getMobile(body.accessToken, { signal, h5: body.h5 ?? false, ...(body.outId ? { outId: body.outId } : {}) }),
    );
    res.json({ phoneNumber: result.phoneNumber, ...(body.outId ? { outId: body.outId } : {}) });
  });

  router.post('/v1/number-verification/verify-mobile', async (req, res) => {
    const body = parseInput(verifyMobileSchema, req.body);
    const number = requirePhoneNumber(body.phoneNumber);
    const result = await exchange(services.config.carrierTimeoutMs, (signal) =>
      carrier.verifyMobile(body.accessToken, number, { signal, h5: body.h5 ?? false, ...(body.outId ? { outId: body.outId } : {}) }),
    );
    res.json({ verifyResult: result.verifyResult, ...(body.outId ? { outId: body.outId } : {}) });
  });

  router.post('/v1/sms-verification/send-code', async (req, res) => {
    const body = parseInput(sendCodeSchema, req.body);
    const number = requirePhoneNumber(body.phoneNumber);
    // The budget is per access key (already authenticated above): a client-chosen schemeName must not open a new budget.
    const basic = req.headers.authorization?.split(' ', 2)[1] ?? '';
    const accessKeyId = Buffer.from(basic, 'base64').toString('utf8').split(':', 1)[0] ?? '';
    const admission = await services.limits.sms.admit({ phoneNumber: number, budgetKey: `plain:${accessKeyId}` });
    if (!admission.admitted) {
      // A country not allowed, a prefix limit and a spent budget answer alike.
      throw new ApiError(429, 'SMS_LIMITED', 'no code can be sent to this number now', undefined, admission.retryAfterSeconds);
    }
    const result = await sms.sendCode({
      scope: `plain:${body.schemeName}`,
      phoneNumber: number,
      codeLength: body.codeLength,
      codeType: body.codeType,
      validitySeconds: body.validitySeconds,
      resendIntervalSeconds: body.resendIntervalSeconds,
      duplicatePolicy: body.duplicatePolicy,
      maxWrongTries: body.maxWrongTries,
      ...(body.template ? { template: body.template } : {}),
      // The client's OutId is only an audit tag (echoed back), not an idempotency key: a reused OutId must not swallow a new SMS.
      returnCode: body.returnVerifyCode,
    });
    if (!result.sent) {
      if (result.reason !== 'DELIVERY_FAILED' || result.permanent) await admission.release();
      if (result.reason === 'TOO_SOON') {
        const seconds = Math.max(1, Math.ceil((result.resendAvailableAt - services.clock()) / 1000));
        throw new ApiError(
          429,
          'SMS_TOO_SOON',
          `a code was sent to this number less than ${body.resendIntervalSeconds} s ago`,
          { resendAvailableAt: new Date(result.resendAvailableAt).toISOString() },
          seconds,
        );
      }
      if (result.reason === 'DAILY_LIMIT') {
        services.limits.sms.recordLimited('smsPerNumberDaily');
        throw new ApiError(429, 'SMS_DAILY_LIMIT', 'this number has had all the codes it may get today', undefined, 3600);
      }
      throw new ApiError(result.permanent ? 400 : 502, result.permanent ? 'SMS_UNDELIVERABLE' : 'SMS_DELIVERY_FAILED', 'the SMS could not be delivered');
    }
    res.json({
      bizId: result.bizId,
      expiresAt: new Date(result.expiresAt).toISOString(),
      resendAvailableAt: new Date(result.resendAvailableAt).toISOString(),
      ...(body.outId ? { outId: body.outId } : {}),
      ...(result.code ? { verifyCode: result.code } : {}),
    });
  });

  router.post('/v1/sms-verification/check-code', async (req, res) => {
    const body = parseInput(checkCodeSchema, req.body);
    const number = requirePhoneNumber(body.phoneNumber);
    await services.limits.consume('codeCheckPerNumber', number);
    const result = await sms.checkCode({ scope: `plain:${body.schemeName}`, phoneNumber: number, code: body.code, caseSensitive: body.caseSensitive });
    // The vendor answers PASS or UNKNOWN; the reason of a failure is extra, and the same for unknown and expired codes.
    res.json({ verifyResult: result.result === 'PASS' ? 'PASS' : 'UNKNOWN', ...(result.result === 'PASS' ? {} : { reason: result.result }) });
  });

  return router;
}

function requirePhoneNumber(raw: string): string {
  const number = normalizePhoneNumber(raw);
  if (!number) throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'phoneNumber is not a valid mobile number');
  return number;
}

async function exchange<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await withCarrierDeadline(timeoutMs, call);
  } catch (error) {
    if (error instanceof CarrierError) {
      const failure = carrierFailures[error.kind];
      throw new ApiError(failure.status, failure.code, failure.message);
    }
    throw error;
  }
}
