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
export function securityHeaders(): RequestHandler {
  const headers = headersSetBy(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: apiDirectives },
      strictTransportSecurity: false,
      xFrameOptions: { action: 'deny' },
    }),
  );
  headers.push(['Cache-Control', 'no-store']);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * The headers a middleware sets, found by running it once on a stand-in answer. Helmet's are the
 * same for every request, so they are worked out at startup and then only copied: a dozen
 * middleware calls per request cost more than the API's own work on a read.
 */
function headersSetBy(middleware: (req: never, res: never, next: (error?: unknown) => void) => void): [string, string][] {
  const headers = new Map<string, string>();
  let failure: unknown;
  const standIn = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  middleware({ headers: {}, method: 'GET', url: '/' } as never, standIn as never, (error) => (failure = error));
  if (failure) throw failure;
  return [...headers];
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
