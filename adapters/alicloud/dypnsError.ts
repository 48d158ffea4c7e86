/**
 * Maps every outcome of a Dypnsapi SDK call that is not a success into `CarrierError`, the one error type the
 * engine understands (reference §2 "Observed response handling"):
 * - a 200 whose `Code` is not "OK" (the SDK never checks it): by vendor code;
 * - `ClientError` (4xx), `ThrottlingError`, `ServerError` (5xx): by their `code`, else `error`;
 * - a non-JSON body (`SyntaxError` from the SDK's JSON parse, e.g. a 502 HTML page): `error`;
 * - no answer in time (`RequestTimeoutError`): `timeout`.
 * The vendor's code is kept as `providerCode`.
 */
import { AlibabaCloudError, ThrottlingError } from '@alicloud/openapi-core';
import { CarrierError, type CarrierFailureKind } from '../carrier/carrierGateway.js';

const INVALID_CODES = new Set(['isv.TOKEN_INVALID', 'isv.TOKEN_UNAUTHORIZED_USED']);
const MISMATCH_CODES = new Set(['isv.CARRIER_NOT_MATCH', 'isv.PARAMETERS_MISMATCH']);

/** The failure kind of a vendor code, whether it came in a 200 body or a 4xx/5xx error. */
export function carrierKindOfCode(code: string | undefined): CarrierFailureKind {
  if (code !== undefined && INVALID_CODES.has(code)) return 'invalid';
  if (code !== undefined && MISMATCH_CODES.has(code)) return 'mismatch';
  return 'error';
}

/** For a 200 reply whose body `Code` is not "OK". */
export function carrierErrorFromBody(action: string, body: { code?: string; message?: string } | undefined): CarrierError {
  const code = body?.code || 'MissingCode';
  return new CarrierError(carrierKindOfCode(code), `Dypnsapi ${action} answered ${code}: ${body?.message ?? ''}`.trim(), code);
}

/** True for the SDK's timeout (`RequestTimeoutError`, also used for a connect timeout). */
export function isDypnsTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'RequestTimeoutError';
}

/** The vendor code carried by an SDK error (`ClientError`/`ThrottlingError`/`ServerError`), if any. */
export function dypnsErrorCode(err: unknown): string | undefined {
  if (err instanceof AlibabaCloudError || (typeof err === 'object' && err !== null && 'code' in err)) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && code !== '' ? code : undefined;
  }
  return undefined;
}

/** The HTTP status carried by an SDK error, if any. */
export function dypnsErrorStatus(err: unknown): number | undefined {
  const status = typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' ? status : undefined;
}

/** True for a throttling answer (`ThrottlingError`, or any error whose code names throttling). */
export function isDypnsThrottling(err: unknown): boolean {
  return err instanceof ThrottlingError || (dypnsErrorCode(err)?.includes('Throttling') ?? false);
}

/** Maps whatever an SDK call threw into a `CarrierError` (passing one through unchanged). */
export function toCarrierError(action: string, err: unknown): CarrierError {
  if (err instanceof CarrierError) return err;
  if (isDypnsTimeout(err)) return new CarrierError('timeout', `Dypnsapi ${action} timed out: ${(err as Error).message}`, 'RequestTimeout');
  if (err instanceof SyntaxError) return new CarrierError('error', `Dypnsapi ${action} answered a body that is not JSON: ${err.message}`, 'MalformedResponse');
  const code = dypnsErrorCode(err);
  const status = dypnsErrorStatus(err);
  const message = err instanceof Error ? err.message : String(err);
  const what = isDypnsThrottling(err) ? 'was throttled' : status !== undefined ? `failed with HTTP ${status}` : 'failed';
  return new CarrierError(carrierKindOfCode(code), `Dypnsapi ${action} ${what}: ${message}`, code ?? (err instanceof Error ? err.name : undefined));
}
