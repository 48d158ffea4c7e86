import { randomUUID } from 'node:crypto';
import express, { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { CarrierError } from '../../../adapters/carrier/carrierGateway.js';
import { SmsCodeBusyError } from '../../../adapters/sms/smsVerification.js';
import { RateLimitedError } from '../../limits/rateLimited.js';
import { isStoreUnavailable } from '../../stores/storeUnavailable.js';
import { vendorActions } from '../../vendorApi/vendorActions.js';
import { throttled, VendorError } from '../../vendorApi/vendorError.js';
import { VendorParams } from '../../vendorApi/vendorParams.js';
import { readVendorRequest, type VendorRequest } from '../../vendorApi/vendorRequest.js';
import { checkVendorSignature, type SignatureKind } from '../../vendorApi/vendorSignatureCheck.js';
import { ApiError } from '../apiError.js';
import { clientIp } from '../clientIp.js';
import { requestBodyError } from '../requestBodyError.js';
import type { Services } from '../services.js';

const apiVersion = '2017-05-25';

/**
 * The vendor-compatible endpoint: Alibaba Cloud's Dypnsapi 2017-05-25 RPC at the server root, so
 * an app backend written for the vendor points the official SDK at numberflow and works unchanged.
 * Requests are signed by a numberflow access key (ACS3-HMAC-SHA256 or HMAC-SHA1); answers and
 * errors come in the vendor's shapes and statuses, `{RequestId, Code, Message, …}`.
 */
export function vendorApiRoutes(services: Services): Router {
  const router = Router();
  // The signature covers the raw body, so the endpoint reads it itself (any media type, 16 kB), inside the handler so its errors are answered in the vendor's shape.
  const rawBody = express.raw({ type: () => true, limit: '16kb' });

  const answer = async (req: express.Request, res: Response) => {
    const requestId = vendorRequestId(req);
    try {
      await services.limits.consume('backendCallPerIp', clientIp(req));
      await new Promise<void>((resolve, reject) => rawBody(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
      const request = readVendorRequest(req, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      if (!request.action) throw new VendorError(400, 'MissingAction', 'Action is mandatory for this action.');
      const version = request.headers['x-acs-version'] ?? request.params.Version;
      if (version !== undefined && version !== apiVersion) throw new VendorError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
      const { key, kind } = await checkVendorSignature(request, {
        accessKeys: services.accessKeys,
        kv: services.storage.kv,
        clock: services.clock,
        clockSkewMs: services.config.vendorApi.clockSkewMs,
      });
      const actionName = signedAction(request, kind);
      const action = Object.hasOwn(vendorActions, actionName) ? vendorActions[actionName] : undefined;
      if (!action) throw new VendorError(404, 'InvalidAction.NotFound', `Specified api ${actionName} is not found, please check your url and method.`);
      if (action.managesSchemes && !key.manageSchemes) {
        throw new VendorError(403, 'UnauthorizedOperation', 'This access key may not manage schemes (POST /v1/admin/access-keys with manageSchemes: true).');
      }
      const reply = await action.run({ services, params: new VendorParams(request.params), key });
      send(res, 200, { RequestId: requestId, ...reply });
    } catch (error) {
      const vendorError = asVendorError(error, req.log);
      if (vendorError.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(vendorError.retryAfterSeconds));
        // What the official SDK reads into ThrottlingError.retryAfter, in milliseconds.
        res.setHeader('x-acs-retry-after', String(vendorError.retryAfterSeconds * 1000));
      }
      send(res, vendorError.status, { RequestId: requestId, Code: vendorError.code, Message: vendorError.message });
    }
  };

  router.get('/', (req, res) => {
    // A person opening the server in a browser gets the API reference, not a vendor error.
    const vendorCall = req.headers['x-acs-action'] !== undefined || req.query.Action !== undefined || req.headers.authorization !== undefined;
    if (!vendorCall && req.accepts(['json', 'html']) === 'html') return res.redirect(302, '/docs');
    return answer(req, res);
  });
  router.post('/', answer);
  return router;
}

/**
 * The action as the signature covers it. HMAC-SHA1 v1 signs the parameters only, so there the
 * action and version are the `Action` and `Version` parameters, and headers must agree with them;
 * ACS3 signs both the `x-acs-*` headers and the query, so they must agree too.
 */
function signedAction(request: VendorRequest, kind: SignatureKind): string {
  const header = request.headers['x-acs-action'];
  const parameter = request.params.Action;
  const headerVersion = request.headers['x-acs-version'];
  const parameterVersion = request.params.Version;
  const disagree = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a !== b;
  if (disagree(header, parameter) || disagree(headerVersion, parameterVersion)) {
    throw new VendorError(400, 'IncompleteSignature', 'The action or version in the headers differs from the signed parameters.');
  }
  const action = kind === 'HMAC-SHA1' ? parameter : (header ?? parameter);
  if (!action) throw new VendorError(400, 'MissingAction', 'Action is mandatory for this action.');
  return action;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The vendor's RequestId is an upper-case UUID: the request's own id in the vendor's casing when it
 * is a UUID (the usual case), else a new one, which this request's log lines then carry too.
 */
function vendorRequestId(req: express.Request): string {
  if (uuid.test(req.id)) return req.id.toUpperCase();
  const requestId = randomUUID().toUpperCase();
  req.log = req.log.child({ vendorRequestId: requestId });
  return requestId;
}

function send(res: Response, status: number, body: Record<string, unknown>): void {
  res.status(status).setHeader('x-acs-request-id', String(body.RequestId)).type('application/json;charset=utf-8').send(JSON.stringify(body));
}

/** Every failure in the vendor's words; nothing a client sends gets a 500, and no stack leaves. */
function asVendorError(error: unknown, logger: Logger): VendorError {
  if (error instanceof VendorError) return error;
  if (error instanceof RateLimitedError) return throttled(error.retryAfterSeconds);
  if (error instanceof ApiError) {
    if (error.status === 429) return throttled(error.retryAfterSeconds ?? 1);
    return new VendorError(error.status, error.code, error.message);
  }
  if (error instanceof SmsCodeBusyError) return throttled(1);
  if (error instanceof CarrierError) return new VendorError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
  const bodyError = requestBodyError(error);
  if (bodyError?.status === 413) return new VendorError(413, 'RequestEntityTooLarge', 'The request body is too large.');
  if (bodyError?.status === 415)
    return new VendorError(415, 'UnsupportedMediaType', 'The request body comes in an encoding or charset this endpoint does not read.');
  if (bodyError) return new VendorError(400, 'InvalidParameters', 'The request body could not be read.');
  if (isStoreUnavailable(error)) return new VendorError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
  logger.error({ err: error }, 'vendor endpoint: unhandled error');
  return new VendorError(500, 'InternalError', 'The request processing has failed due to some unknown error.');
}
