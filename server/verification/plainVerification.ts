import { withCarrierDeadline } from '../../adapters/carrier/withCarrierDeadline.js';
import type { CarrierCallOptions } from '../../adapters/carrier/carrierGateway.js';
import type { SendCodeRequest } from '../../adapters/sms/smsVerification.js';
import type { Services } from '../http/services.js';
import { normalizePhoneNumber } from '../phone/phoneNumber.js';

/**
 * The vendor's plain Phone Number Verification and SMS Verification, once, for both ways in:
 * the REST endpoints (`/v1/number-verification/*`, `/v1/sms-verification/*`) and the
 * vendor-compatible RPC endpoint at `/`. Each way words the outcomes in its own protocol.
 */

type PlainServices = Pick<Services, 'adapters' | 'config' | 'limits' | 'clock'>;

/** Calls the carrier gateway under the configured deadline; a failure is thrown as `CarrierError`. */
export function callCarrier<T>(
  services: PlainServices,
  call: (options: CarrierCallOptions) => Promise<T>,
  options: { h5: boolean; outId?: string },
): Promise<T> {
  return withCarrierDeadline(services.config.carrierTimeoutMs, (signal) =>
    call({ signal, h5: options.h5, ...(options.outId ? { outId: options.outId } : {}) }),
  );
}

/** The carrier gave the number of the device holding the token: its owner proved it, so its code-check lock ends. */
export async function getMobile(services: PlainServices, accessToken: string, options: { h5: boolean; outId?: string }) {
  const result = await callCarrier(services, (o) => services.adapters.carrier.getMobile(accessToken, o), options);
  await services.limits.clearCodeCheckLock(normalizePhoneNumber(result.phoneNumber) ?? result.phoneNumber);
  return result;
}

/** A PASS: the device holding the token has this number, so its code-check lock ends. */
export async function verifyMobile(services: PlainServices, accessToken: string, phoneNumber: string, options: { h5: boolean; outId?: string }) {
  const result = await callCarrier(services, (o) => services.adapters.carrier.verifyMobile(accessToken, phoneNumber, o), options);
  if (result.verifyResult === 'PASS') await services.limits.clearCodeCheckLock(phoneNumber);
  return result;
}

/** Codes of the plain SMS API are kept apart per scheme name (the vendor's SchemeName): check with the one you sent with. */
export const plainScope = (schemeName: string) => `plain:${schemeName}`;

export type PlainSendInput = Omit<SendCodeRequest, 'scope' | 'outId' | 'deliver'> & {
  /** Normalized number. */
  phoneNumber: string;
  schemeName: string;
};

export type PlainSendOutcome =
  | { sent: true; bizId: string; expiresAt: number; resendAvailableAt: number; code?: string }
  /** A country not allowed, a prefix limit and a spent budget: one answer for all. */
  | { sent: false; reason: 'LIMITED'; retryAfterSeconds: number }
  | { sent: false; reason: 'TOO_SOON'; resendAvailableAt: number; retryAfterSeconds: number }
  | { sent: false; reason: 'DAILY_LIMIT' }
  | { sent: false; reason: 'UNDELIVERABLE' | 'DELIVERY_FAILED' };

/**
 * Sends a code through the abuse limits. The budget is counted on `budgetKey` (the caller's
 * access key): a client-chosen scheme name must not open a new budget. An OutId is only an audit
 * tag here, never an idempotency key: a reused OutId must not swallow a new SMS.
 */
export async function sendPlainCode(services: PlainServices, input: PlainSendInput, budgetKey: string): Promise<PlainSendOutcome> {
  const { schemeName, ...request } = input;
  return sendCodeWithinLimits(services, { ...request, scope: plainScope(schemeName) }, budgetKey);
}

/** A code sent through the abuse limits (the plain SMS API's and the CAMARA facade's), its outcome in one vocabulary. */
export async function sendCodeWithinLimits(
  services: PlainServices,
  request: Omit<SendCodeRequest, 'outId' | 'deliver'>,
  budgetKey: string,
): Promise<PlainSendOutcome> {
  const admission = await services.limits.sms.admit({ phoneNumber: request.phoneNumber, budgetKey });
  if (!admission.admitted) return { sent: false, reason: 'LIMITED', retryAfterSeconds: admission.retryAfterSeconds };
  const result = await services.adapters.sms.sendCode(request);
  if (result.sent) return result;
  if (result.reason !== 'DELIVERY_FAILED' || result.permanent) await admission.release();
  switch (result.reason) {
    case 'TOO_SOON':
      return {
        sent: false,
        reason: 'TOO_SOON',
        resendAvailableAt: result.resendAvailableAt,
        retryAfterSeconds: Math.max(1, Math.ceil((result.resendAvailableAt - services.clock()) / 1000)),
      };
    case 'DAILY_LIMIT':
      services.limits.sms.recordLimited('smsPerNumberDaily');
      return { sent: false, reason: 'DAILY_LIMIT' };
    case 'DELIVERY_FAILED':
      return { sent: false, reason: result.permanent ? 'UNDELIVERABLE' : 'DELIVERY_FAILED' };
  }
}

/** Checks a code, counted against the number's code-check limit (a `RateLimitedError` while the number is locked). */
export async function checkPlainCode(services: PlainServices, input: { phoneNumber: string; code: string; schemeName: string; caseSensitive: boolean }) {
  await services.limits.consume('codeCheckPerNumber', input.phoneNumber);
  return services.adapters.sms.checkCode({
    scope: plainScope(input.schemeName),
    phoneNumber: input.phoneNumber,
    code: input.code,
    caseSensitive: input.caseSensitive,
  });
}
