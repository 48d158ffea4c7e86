import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { CarrierError } from '../../adapters/carrier/carrierGateway.js';
import { SmsCodeBusyError } from '../../adapters/sms/smsVerification.js';
import { RateLimitedError } from '../limits/rateLimited.js';
import { isStoreUnavailable } from '../stores/storeUnavailable.js';
import { ApiError } from './apiError.js';
import { apiErrorOfEngine } from './engineErrorStatus.js';
import { requestBodyError } from './requestBodyError.js';

/** The 401s of Bearer credentials; the others ask for an access key (Basic). */
const bearerChallenged = new Set(['ADMIN_UNAUTHORIZED', 'AUTH_TOKEN_INVALID', 'METRICS_UNAUTHORIZED']);

export function sendError(res: Parameters<RequestHandler>[1], error: ApiError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.status === 401) res.setHeader('WWW-Authenticate', bearerChallenged.has(error.code) ? 'Bearer' : 'Basic realm="numberflow"');
  res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
}

/** The one error envelope: `{error: {code, message}}`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    const log = req.log ?? logger;
    if (error instanceof ApiError) return sendError(res, error);
    const engineRefusal = apiErrorOfEngine(error);
    if (engineRefusal && engineRefusal.status < 500) return sendError(res, engineRefusal);
    if (engineRefusal?.code === 'BUSY') return sendError(res, engineRefusal);
    if (error instanceof RateLimitedError) return sendError(res, new ApiError(429, 'RATE_LIMITED', error.message, undefined, error.retryAfterSeconds));
    if (error instanceof SmsCodeBusyError) {
      return sendError(res, new ApiError(409, 'VERSION_CONFLICT', 'too many checks of this code at once; try again', undefined, 1));
    }
    if (error instanceof CarrierError) {
      // An upstream (the SMS or carrier gateway) that could not answer a check: nothing was decided, try again.
      log.warn({ err: { message: error.message, providerCode: error.providerCode } }, 'upstream unavailable');
      return sendError(
        res,
        error.kind === 'timeout'
          ? new ApiError(504, 'UPSTREAM_TIMEOUT', 'the provider did not answer in time; nothing changed, try again', undefined, 1)
          : new ApiError(502, 'UPSTREAM_ERROR', 'the provider could not answer; nothing changed, try again', undefined, 1),
      );
    }
    if (error instanceof URIError) {
      // Express's router could not decode a path parameter (e.g. `%ZZ`): the client's malformed URL.
      return sendError(res, new ApiError(400, 'MALFORMED_URL', 'the URL is not validly percent-encoded'));
    }
    const bodyError = requestBodyError(error);
    if (bodyError) return sendError(res, new ApiError(bodyError.status, bodyError.code, bodyError.message));
    if (isStoreUnavailable(error)) {
      log.warn({ err: { message: String(error?.message) } }, 'store unavailable');
      return sendError(res, new ApiError(503, 'STORE_UNAVAILABLE', 'the session store is unavailable; try again shortly', undefined, 2));
    }
    log.error({ err: error }, 'unhandled error');
    sendError(res, new ApiError(500, 'INTERNAL', 'internal error'));
  };
}

export const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, new ApiError(404, 'ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
