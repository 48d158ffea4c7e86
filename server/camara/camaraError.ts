import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { SmsCodeBusyError } from '../../adapters/sms/smsVerification.js';
import { ProtocolError } from '../http/protocolError.js';
import { requestBodyError } from '../http/requestBodyError.js';
import { RateLimitedError } from '../limits/rateLimited.js';
import { isStoreUnavailable } from '../stores/storeUnavailable.js';

/**
 * CAMARA's error envelope (`ErrorInfo` of every CAMARA specification): `{status, code, message}`
 * with the HTTP status repeated in the body. The CAMARA routes answer in this shape only; the
 * rest of numberflow keeps its own `{error: {code, message}}`.
 */
export class CamaraError extends ProtocolError {}

/** The errors of CAMARA's Commonalities that several APIs share, with their usual wording. */
export const camaraErrors = {
  invalidArgument: (message = 'Client specified an invalid argument, request body or query param.') => new CamaraError(400, 'INVALID_ARGUMENT', message),
  outOfRange: (message = 'Client specified an invalid range.') => new CamaraError(400, 'OUT_OF_RANGE', message),
  unauthenticated: () =>
    new CamaraError(401, 'UNAUTHENTICATED', 'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.'),
  permissionDenied: (message = 'Client does not have sufficient permissions to perform this action.') => new CamaraError(403, 'PERMISSION_DENIED', message),
  notFound: (message = 'The specified resource is not found.') => new CamaraError(404, 'NOT_FOUND', message),
  identifierNotFound: () => new CamaraError(404, 'IDENTIFIER_NOT_FOUND', 'Device identifier not found.'),
  missingIdentifier: () => new CamaraError(422, 'MISSING_IDENTIFIER', 'The device cannot be identified.'),
  unnecessaryIdentifier: () => new CamaraError(422, 'UNNECESSARY_IDENTIFIER', 'The device is already identified by the access token.'),
  serviceNotApplicable: () => new CamaraError(422, 'SERVICE_NOT_APPLICABLE', 'The service is not available for the provided identifier.'),
  tooManyRequests: (retryAfterSeconds?: number) =>
    new CamaraError(429, 'TOO_MANY_REQUESTS', 'Rejected due to request rate limit overpassed.', retryAfterSeconds),
  quotaExceeded: () => new CamaraError(429, 'QUOTA_EXCEEDED', 'Rejected due to exceeding a business quota limit.'),
};

export function sendCamaraError(res: Response, error: CamaraError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(error.status).json({ status: error.status, code: error.code, message: error.message });
}

/** The spec's `XCorrelator` schema. */
export const xCorrelatorPattern = /^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$/;

/**
 * Echoes the caller's `x-correlator` on every answer, errors included; a value outside the
 * spec's pattern is refused before anything else happens.
 */
export const xCorrelator: RequestHandler = (req, res, next) => {
  const value = req.get('x-correlator');
  if (value === undefined) return next();
  if (!xCorrelatorPattern.test(value)) return sendCamaraError(res, camaraErrors.invalidArgument('x-correlator does not match its schema.'));
  res.setHeader('x-correlator', value);
  next();
};

/** A body the JSON parser refused, an unknown route or a failure, worded as CAMARA words it; never a stack trace. */
export function camaraErrorHandler(logger?: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof CamaraError) return sendCamaraError(res, error);
    if (error instanceof RateLimitedError) return sendCamaraError(res, camaraErrors.tooManyRequests(error.retryAfterSeconds));
    if (error instanceof SmsCodeBusyError) return sendCamaraError(res, camaraErrors.tooManyRequests(1));
    if (isStoreUnavailable(error)) return sendCamaraError(res, new CamaraError(503, 'UNAVAILABLE', 'Service is unavailable; try again shortly.', 2));
    const bodyError = requestBodyError(error);
    if (bodyError)
      return sendCamaraError(res, new CamaraError(bodyError.status, bodyError.status === 400 ? 'INVALID_ARGUMENT' : bodyError.code, bodyError.message));
    (req.log ?? logger)?.error({ err: error }, 'unhandled error in a CAMARA route');
    sendCamaraError(res, new CamaraError(500, 'INTERNAL', 'Unknown server error. Typically a server bug.'));
  };
}

export const camaraUnknownRoute: RequestHandler = (req, res) => sendCamaraError(res, camaraErrors.notFound(`No resource for ${req.method} ${req.path}.`));

/** The bearer token of a request, or a 401. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer ([\x21-\x7e]{1,4096})$/i.exec(authorization ?? '');
  if (!match?.[1]) throw camaraErrors.unauthenticated();
  return match[1];
}
