import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

/** The API answers data, never a page: nothing may load, run or frame from an answer. */
const apiDirectives: Directives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Helmet's headers on every answer: `X-Content-Type-Options: nosniff`, a CSP that allows nothing
 * (pages replace it with their own, `pageSecurityPolicy`), `X-Frame-Options: DENY`, no referrer,
 * same-origin isolation. HSTS is left to whatever terminates TLS in front: this server speaks
 * plain HTTP. `Cache-Control: no-store` on every answer too: answers carry tokens, codes, secrets
 * and personal data, and none is worth keeping in a shared or browser cache (the reference page's
 * static files set their own caching).
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: apiDirectives },
      strictTransportSecurity: false,
      xFrameOptions: { action: 'deny' },
    }),
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}

/** A page's own CSP in place of the API's: what the page loads, from this server only, and never inside a frame. */
export function pageSecurityPolicy(directives: Directives): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { 'default-src': ["'none'"], 'base-uri': ["'none'"], 'frame-ancestors': ["'none'"], ...directives },
  });
}

/** A page whose scripts, styles and data all come from this server, nothing inline; images also as data URLs. */
export function sameOriginPagePolicy(): RequestHandler {
  return pageSecurityPolicy({
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
  });
}

/** Lets a static file's own `Cache-Control` apply instead of the default `no-store`. */
export const cacheableStaticFile: RequestHandler = (_req, res, next) => {
  res.removeHeader('Cache-Control');
  next();
};
