import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/** Where a route path stops being literal text: a parameter, a wildcard or an optional part. */
const firstPattern = /[:*{(]/;

/** A test of a request path (lower case, no trailing slash) for whether a router could answer it. */
type Admits = (path: string) => boolean;

/**
 * The routers as one middleware that enters a router only when one of its routes could match the
 * path. Express walks its middleware layer by layer, and entering a router costs more than a read's
 * own work, so a request passes the routers that cannot answer it with a string comparison, worked
 * out once from each router's own route paths: the path itself when it is plain text, else its
 * literal head. A router with middleware of its own (`router.use`) or a route given as a regular
 * expression is always entered. As Express does by default, case and a trailing slash do not count.
 * Like a Router, the result has a `stack`: every route of the routers, for whoever lists the routes.
 */
export function routeTable(routers: readonly Router[]): RequestHandler & { stack: Router['stack'] } {
  const entries = routers.map((router) => ({ router, admits: admitsOf(router) }));
  const table = (req: Request, res: Response, done: NextFunction) => {
    const path = normalized(req.path);
    let index = 0;
    const next = (error?: unknown) => {
      if (error) return done(error);
      while (index < entries.length) {
        const entry = entries[index++]!;
        if (entry.admits(path)) return entry.router(req, res, next);
      }
      done();
    };
    next();
  };
  return Object.assign(table, { stack: routers.flatMap((router) => router.stack) });
}

function admitsOf(router: Router): Admits {
  const exact = new Set<string>();
  const heads = new Set<string>();
  for (const layer of router.stack) {
    const paths = layer.route ? [layer.route.path].flat() : [];
    if (paths.length === 0 || paths.some((path) => typeof path !== 'string')) return () => true;
    for (const path of paths as string[]) {
      const patternAt = path.search(firstPattern);
      if (patternAt === -1) exact.add(normalized(path));
      else heads.add(path.slice(0, patternAt).toLowerCase());
    }
  }
  const prefixes = [...heads];
  return (path) => exact.has(path) || prefixes.some((head) => path.startsWith(head));
}

function normalized(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}
