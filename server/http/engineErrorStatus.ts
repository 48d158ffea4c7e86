import {
  EventNotAccepted,
  ResendTooEarly,
  SessionBusy,
  SessionConflict,
  SessionEngineError,
  SessionExpired,
  SessionFinished,
  SessionIdInUse,
  SessionNotFound,
  SessionPolicyMissing,
  SmsSendLimitReached,
} from '../engine/engineErrors.js';
import { ApiError } from './apiError.js';

/** The public answer to each refusal of the session engine. */
export function apiErrorOfEngine(error: unknown): ApiError | null {
  if (!(error instanceof SessionEngineError)) return null;
  if (error instanceof SessionNotFound) return new ApiError(404, error.code, error.message);
  if (error instanceof SessionExpired) return new ApiError(410, error.code, error.message);
  if (error instanceof SessionFinished) return new ApiError(409, error.code, error.message, { status: error.status });
  if (error instanceof EventNotAccepted) return new ApiError(409, error.code, error.message, { state: error.state });
  if (error instanceof SessionConflict || error instanceof SessionIdInUse) return new ApiError(409, error.code, error.message);
  if (error instanceof SessionBusy) return new ApiError(503, error.code, error.message, undefined, 1);
  if (error instanceof SmsSendLimitReached) return new ApiError(409, error.code, error.message, { sendsLeft: 0 });
  if (error instanceof ResendTooEarly) {
    return new ApiError(429, error.code, error.message, { resendAvailableAt: new Date(error.resendAvailableAt).toISOString() }, error.retryAfterSeconds);
  }
  if (error instanceof SessionPolicyMissing) return new ApiError(500, 'INTERNAL', 'internal error');
  return null;
}
