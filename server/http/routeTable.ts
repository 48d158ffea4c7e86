import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

/** Where a route path stops being literal text: a parameter, a wildcard or an optional part. */
const firstPattern = /[:*{(]/;

/** A test of a request path (as given, and lower case without a trailing slash) for whether a router could answer it. */
type Admits = (path: string, normalizedPath: string) => boolean;

/**
 * The routers as one middleware that enters a router only when one of its routes could match the
 * path. Express walks its middleware layer by layer, and entering a router costs more than a read's
 * own work, so a request passes the routers that cannot answer it with a string comparison, worked
 * out once from each router's own route paths: the path itself when it is plain text, else its
 * literal head. A router's own middleware (`router.use(path, …)`) is asked as Express asks it; a
 * router with middleware for every path, or a route given as a regular expression, is always
 * entered. As Express does by default, case and a trailing slash do not count.
 * Like a Router, the result has a `stack`: every route of the routers, for whoever lists the routes.
 */
export function routeTable(routers: readonly Router[]): RequestHandler & { stack: Router['stack'] } {
  const entries = routers.map((router) => ({ router, admits: admitsOf(router) }));
  const table = (req: Request, res: Response, done: NextFunction) => {
    const path = req.path;
    const normalizedPath = normalized(path);
    let index = 0;
    const next = (error?: unknown) => {
      if (error) return done(error);
      while (index < entries.length) {
        const entry = entries[index++]!;
        if (entry.admits(path, normalizedPath)) return entry.router(req, res, next);
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
  const middleware: MatchingLayer[] = [];
  for (const layer of router.stack as unknown as MatchingLayer[]) {
    if (!layer.route) {
      if (layer.slash) return () => true;
      middleware.push(layer);
      continue;
    }
    const paths = [layer.route.path].flat();
    if (paths.some((path) => typeof path !== 'string')) return () => true;
    for (const path of paths as string[]) {
      const patternAt = path.search(firstPattern);
      if (patternAt === -1) exact.add(normalized(path));
      else heads.add(path.slice(0, patternAt).toLowerCase());
    }
  }
  const prefixes = [...heads];
  return (path, normalizedPath) =>
    exact.has(normalizedPath) || prefixes.some((head) => normalizedPath.startsWith(head)) || middleware.some((layer) => layer.match(path));
}

/** What the table reads of Express 5's router layers (router 2.x): a route, or middleware mounted at a path it can match. */
interface MatchingLayer {
  route?: { path: unknown };
  /** Middleware for every path (`router.use(fn)`). */
  slash?: boolean;
  match(path: string): boolean;
}

function normalized(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}
