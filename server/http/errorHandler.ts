import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { CarrierError } from '../../adapters/carrier/carrierGateway.js';
import { SmsCodeBusyError } from '../../adapters/sms/smsVerification.js';
import { ApiError } from './apiError.js';

/** Body-parser failures carry a `type`; each gets its documented status instead of a 500. */
const bodyParserErrors: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'BODY_TOO_LARGE', message: 'the request body is too large' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_ENCODING', message: 'unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_CHARSET', message: 'unsupported charset' },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', message: 'the request was aborted' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: 'the request size does not match its content-length' },
  'stream.encoding.set': { status: 500, code: 'INTERNAL', message: 'internal error' },
};

export function sendError(res: Parameters<RequestHandler>[1], error: ApiError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.status === 401)
    res.setHeader('WWW-Authenticate', error.code === 'ADMIN_UNAUTHORIZED' || error.code === 'AUTH_TOKEN_INVALID' ? 'Bearer' : 'Basic realm="numberflow"');
  res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
}

/** The one error envelope: `{error: {code, message}}`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof ApiError) return sendError(res, error);
    if (error instanceof SmsCodeBusyError) {
      return sendError(res, new ApiError(409, 'VERSION_CONFLICT', 'too many checks of this code at once; try again', undefined, 1));
    }
    if (error instanceof CarrierError) {
      // An upstream (the SMS or carrier gateway) that could not answer a check: nothing was decided, try again.
      logger.warn({ err: { message: error.message, providerCode: error.providerCode } }, 'upstream unavailable');
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
    const parserError = typeof error?.type === 'string' ? bodyParserErrors[error.type] : undefined;
    if (parserError && parserError.status < 500) return sendError(res, new ApiError(parserError.status, parserError.code, parserError.message));
    if (isStoreUnavailable(error)) {
      logger.warn({ err: { message: String(error?.message) } }, 'store unavailable');
      return sendError(res, new ApiError(503, 'STORE_UNAVAILABLE', 'the session store is unavailable; try again shortly', undefined, 2));
    }
    logger.error({ err: error }, 'unhandled error');
    sendError(res, new ApiError(500, 'INTERNAL', 'internal error'));
  };
}

export const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, new ApiError(404, 'ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

export function isStoreUnavailable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /Connection is closed|ECONNREFUSED|Reached the max retries per request|Stream isn't writeable|connect ETIMEDOUT|MaxRetriesPerRequestError/i.test(
    message,
  );
}
