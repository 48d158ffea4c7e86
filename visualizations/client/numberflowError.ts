import type { SessionErrorCode } from './apiTypes.js';

/** What the client adds to the API's codes: the server could not be reached, or answered with something that is not the API's error. */
export type ClientSideErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE' | 'WAIT_TIMED_OUT';

/**
 * An error answer of the API, typed by its `error.code`, or one of the client's own
 * (`status` 0). `retryAfterSeconds` is the server's `Retry-After`, when it sent one.
 */
export class NumberflowError extends Error {
  override readonly name = 'NumberflowError';

  constructor(
    readonly status: number,
    readonly code: SessionErrorCode | ClientSideErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterSeconds?: number,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** `Retry-After` as seconds: a delay in seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
