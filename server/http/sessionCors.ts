import type { RequestHandler } from 'express';
import type { SchemeRepository } from '../schemes/schemeRepository.js';

const sessionPaths = /^\/v1\/sessions(?:\/|$)/;
/** What a client page sends and reads: the auth token, JSON, its own request id; the new session's URL, the wait before a retry, the request id. */
const allowedMethods = 'GET, POST';
const allowedHeaders = 'Authorization, Content-Type, X-Request-Id';
const exposedHeaders = 'Location, Retry-After, X-Request-Id';
const preflightMaxAgeSeconds = 600;

/**
 * CORS for the client's session endpoints: a page on an origin registered on an H5 scheme may call
 * them from the browser; any other origin gets no CORS headers, so the browser keeps the answer
 * from it. Preflights end here; an unlisted origin's preflight gets a bare 204. Other routes
 * (the app backend's, the operator's) are never for browsers on other origins.
 */
export function sessionCors(schemes: SchemeRepository): RequestHandler {
  return async (req, res, next) => {
    if (!sessionPaths.test(req.path)) return next();
    res.vary('Origin');
    const origin = req.get('origin');
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.get('access-control-request-method') !== undefined;
    const allowed = origin !== undefined && (await schemes.h5Origins()).has(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
    }
    if (!preflight) return next();
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', allowedMethods);
      res.setHeader('Access-Control-Allow-Headers', allowedHeaders);
      res.setHeader('Access-Control-Max-Age', String(preflightMaxAgeSeconds));
    }
    res.status(204).end();
  };
}
