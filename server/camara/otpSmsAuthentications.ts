import { randomUUID } from 'node:crypto';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Services } from '../http/services.js';
import { sendCodeWithinLimits } from '../verification/plainVerification.js';
import { CamaraError, camaraErrors } from './camaraError.js';

/**
 * One Time Password SMS 1.1.1 over numberflow's SMS engine: `send-code` sends a code and names the
 * attempt by an `authenticationId`; `validate-code` checks a code for it. The engine keeps the code
 * (CSPRNG, stored only as an HMAC, single use, a new send replaces the older code); this keeps which
 * attempt is whose and which one is the newest for its number.
 */
export const otpSettings = {
  codeLength: 6,
  codeType: 'digits',
  validitySeconds: 300,
  /** A second code for the same number within this interval is refused (429) rather than sent. */
  resendIntervalSeconds: 30,
  maxWrongTries: 3,
} as const;

/** How long an attempt is remembered after it was made: within it an old id answers VERIFICATION_EXPIRED, after it NOT_FOUND. */
const attemptRecordTtlMs = 24 * 3_600_000;

const attemptSchema = z.object({ clientId: z.string(), phoneNumber: z.string() });
const attemptKey = (authenticationId: string) => `camara:otp:${authenticationId}`;
const newestKey = (clientId: string, phoneNumber: string) => `camara:otp-newest:${clientId}:${phoneNumber}`;
/** Codes sent for one API consumer are kept apart from every other consumer's and from the plain SMS API's. */
const codeScope = (clientId: string) => `camara:${clientId}`;

type OtpServices = Pick<Services, 'adapters' | 'config' | 'limits' | 'clock' | 'storage'>;

/** The numberflow form of an E.164 number the service may text, or the CAMARA error why not. */
function textableNumber(services: OtpServices, e164: string): string {
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(e164);
  } catch {
    parsed = undefined;
  }
  const countries = services.config.rateLimits.sms.countryAllowList;
  if (!parsed?.isValid() || !parsed.country || !(countries.includes('*') || countries.includes(parsed.country))) {
    throw camaraErrors.notFound('The phone number is not served by this provider.');
  }
  const type = parsed.getType();
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    throw new CamaraError(403, 'ONE_TIME_PASSWORD_SMS.PHONE_NUMBER_NOT_ALLOWED', "Phone_number can't receive an SMS due to business reasons in the operator.");
  }
  return parsed.country === 'CN' ? (parsed.nationalNumber as string) : parsed.number;
}

export async function sendOtp(services: OtpServices, clientId: string, request: { phoneNumber: string; message: string }): Promise<string> {
  const phoneNumber = textableNumber(services, request.phoneNumber);
  const outcome = await sendCodeWithinLimits(
    services,
    {
      ...otpSettings,
      scope: codeScope(clientId),
      phoneNumber,
      duplicatePolicy: 'replace',
      template: request.message.replaceAll('{{code}}', '##code##'),
    },
    `camara:${clientId}`,
  );
  if (!outcome.sent) {
    switch (outcome.reason) {
      case 'LIMITED':
      case 'TOO_SOON':
        throw camaraErrors.tooManyRequests(outcome.retryAfterSeconds);
      case 'DAILY_LIMIT':
        throw new CamaraError(403, 'ONE_TIME_PASSWORD_SMS.MAX_OTP_CODES_EXCEEDED', 'Too many OTPs have been requested for this MSISDN. Try later.');
      case 'UNDELIVERABLE':
        throw new CamaraError(
          403,
          'ONE_TIME_PASSWORD_SMS.PHONE_NUMBER_BLOCKED',
          'Phone_number is blocked to receive SMS due to any blocking business reason in the operator.',
        );
      case 'DELIVERY_FAILED':
        throw new CamaraError(503, 'UNAVAILABLE', 'The SMS could not be sent; try again shortly.', 5);
    }
  }
  const authenticationId = randomUUID();
  const { kv } = services.storage;
  await kv.set(attemptKey(authenticationId), JSON.stringify({ clientId, phoneNumber }), { ttlMs: attemptRecordTtlMs });
  await kv.set(newestKey(clientId, phoneNumber), authenticationId, { ttlMs: attemptRecordTtlMs });
  return authenticationId;
}

const expired = () => new CamaraError(400, 'ONE_TIME_PASSWORD_SMS.VERIFICATION_EXPIRED', 'The authenticationId is no longer valid');
const failed = () =>
  new CamaraError(
    400,
    'ONE_TIME_PASSWORD_SMS.VERIFICATION_FAILED',
    'The maximum number of attempts for this authenticationId was exceeded without providing a valid OTP',
  );

/** Resolves when the code is right; throws the spec's error otherwise. Another consumer's id is as unknown as a made-up one. */
export async function validateOtp(services: OtpServices, clientId: string, request: { authenticationId: string; code: string }): Promise<void> {
  const { kv } = services.storage;
  const raw = await kv.get(attemptKey(request.authenticationId));
  const attempt = raw === null ? undefined : attemptSchema.safeParse(JSON.parse(raw));
  if (!attempt?.success || attempt.data.clientId !== clientId) throw camaraErrors.notFound('The authenticationId is unknown.');
  const { phoneNumber } = attempt.data;
  // A newer send for the number replaced this attempt's code: the engine would check the new one.
  if ((await kv.get(newestKey(clientId, phoneNumber))) !== request.authenticationId) throw expired();
  await services.limits.consume('codeCheckPerNumber', phoneNumber);
  const result = await services.adapters.sms.checkCode({ scope: codeScope(clientId), phoneNumber, code: request.code, caseSensitive: false });
  switch (result.result) {
    case 'PASS':
      return;
    case 'WRONG':
      if (result.triesLeft > 0) throw new CamaraError(400, 'ONE_TIME_PASSWORD_SMS.INVALID_OTP', 'The provided OTP is not valid for this authenticationId');
      throw failed();
    case 'LOCKED':
      throw failed();
    case 'EXPIRED':
      throw expired();
  }
}
