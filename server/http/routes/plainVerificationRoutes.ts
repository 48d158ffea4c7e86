import { Router } from 'express';
import { z } from 'zod';
import { CarrierError, type CarrierFailureKind } from '../../../adapters/carrier/carrierGateway.js';
import { normalizePhoneNumber } from '../../phone/phoneNumber.js';
import { ApiError } from '../apiError.js';
import { authenticateAccessKey } from '../authentication.js';
import { clientIp } from '../clientIp.js';
import type { Services } from '../services.js';
import { parseInput } from '../validation.js';
import { signNameSchema, templateCodeSchema } from '../../../machines/policy/smsNames.js';
import { chooseSmsMessage, UnknownSmsChoice, type SmsChoice } from '../../smsTemplates/chooseSmsMessage.js';
import { verificationTemplateParam } from '../../smsTemplates/smsMessage.js';
import { checkPlainCode, getMobile, sendPlainCode, verifyMobile } from '../../verification/plainVerification.js';

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
    /** The SMS signature and template (of `/v1/admin/sms`); unset: the complimentary ones. */
    signName: signNameSchema.optional(),
    templateCode: templateCodeSchema.optional(),
    /** A one-off text instead of a template: sent as it is, `##code##` replaced by the code. */
    template: z.string().min(1).max(300).includes('##code##', { message: 'the template must contain ##code##' }).optional(),
    returnVerifyCode: z.boolean().default(false),
    outId: z.string().max(64).optional(),
  })
  .strict()
  .refine((body) => body.template === undefined || (body.signName === undefined && body.templateCode === undefined), {
    message: 'give a template, or a signName and templateCode, not both',
    path: ['template'],
  });
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

  router.use(['/v1/number-verification', '/v1/sms-verification'], async (req, res, next) => {
    await services.limits.consume('backendCallPerIp', clientIp(req));
    res.locals.accessKeyId = (await authenticateAccessKey(req, services.accessKeys)).id;
    next();
  });

  router.post('/v1/number-verification/get-mobile', async (req, res) => {
    const body = parseInput(getMobileSchema, req.body);
    const result = await carrierCall(() => getMobile(services, body.accessToken, { h5: body.h5 ?? false, ...(body.outId ? { outId: body.outId } : {}) }));
    res.json({ phoneNumber: result.phoneNumber, ...(body.outId ? { outId: body.outId } : {}) });
  });

  router.post('/v1/number-verification/verify-mobile', async (req, res) => {
    const body = parseInput(verifyMobileSchema, req.body);
    const number = requirePhoneNumber(body.phoneNumber);
    const result = await carrierCall(() =>
      verifyMobile(services, body.accessToken, number, { h5: body.h5 ?? false, ...(body.outId ? { outId: body.outId } : {}) }),
    );
    res.json({ verifyResult: result.verifyResult, ...(body.outId ? { outId: body.outId } : {}) });
  });

  router.post('/v1/sms-verification/send-code', async (req, res) => {
    const { phoneNumber: rawNumber, outId, returnVerifyCode, signName, templateCode, template, ...body } = parseInput(sendCodeSchema, req.body);
    const phoneNumber = requirePhoneNumber(rawNumber);
    const message = template !== undefined ? { template } : await chosenMessage(services, { signName, templateCode }, body.validitySeconds);
    const result = await sendPlainCode(services, { ...body, ...message, phoneNumber, returnCode: returnVerifyCode }, `plain:${String(res.locals.accessKeyId)}`);
    if (!result.sent) {
      switch (result.reason) {
        case 'LIMITED':
          throw new ApiError(429, 'SMS_LIMITED', 'no code can be sent to this number now', undefined, result.retryAfterSeconds);
        case 'TOO_SOON':
          throw new ApiError(
            429,
            'SMS_TOO_SOON',
            `a code was sent to this number less than ${body.resendIntervalSeconds} s ago`,
            { resendAvailableAt: new Date(result.resendAvailableAt).toISOString() },
            result.retryAfterSeconds,
          );
        case 'DAILY_LIMIT':
          throw new ApiError(429, 'SMS_DAILY_LIMIT', 'this number has had all the codes it may get today', undefined, 3600);
        case 'UNDELIVERABLE':
          throw new ApiError(400, 'SMS_UNDELIVERABLE', 'the SMS could not be delivered');
        case 'DELIVERY_FAILED':
          throw new ApiError(502, 'SMS_DELIVERY_FAILED', 'the SMS could not be delivered');
      }
    }
    res.json({
      bizId: result.bizId,
      expiresAt: new Date(result.expiresAt).toISOString(),
      resendAvailableAt: new Date(result.resendAvailableAt).toISOString(),
      ...(outId ? { outId } : {}),
      ...(result.code ? { verifyCode: result.code } : {}),
    });
  });

  router.post('/v1/sms-verification/check-code', async (req, res) => {
    const body = parseInput(checkCodeSchema, req.body);
    const result = await checkPlainCode(services, { ...body, phoneNumber: requirePhoneNumber(body.phoneNumber) });
    // The vendor answers PASS or UNKNOWN; the reason of a failure is extra, and the same for unknown and expired codes.
    res.json({ verifyResult: result.result === 'PASS' ? 'PASS' : 'UNKNOWN', ...(result.result === 'PASS' ? {} : { reason: result.result }) });
  });

  return router;
}

/** The chosen signature and template, filled for a code valid this long; 400 for a name that does not exist. */
async function chosenMessage(services: Services, choice: SmsChoice, validitySeconds: number) {
  try {
    return await chooseSmsMessage(services.smsTemplates, choice, verificationTemplateParam(validitySeconds));
  } catch (error) {
    if (error instanceof UnknownSmsChoice)
      throw new ApiError(400, error.field === 'signName' ? 'SMS_SIGNATURE_UNKNOWN' : 'SMS_TEMPLATE_UNKNOWN', error.message);
    throw error;
  }
}

function requirePhoneNumber(raw: string): string {
  const number = normalizePhoneNumber(raw);
  if (!number) throw new ApiError(400, 'INVALID_PHONE_NUMBER', 'phoneNumber is not a valid mobile number');
  return number;
}

async function carrierCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CarrierError) {
      const failure = carrierFailures[error.kind];
      throw new ApiError(failure.status, failure.code, failure.message);
    }
    throw error;
  }
}
