import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

declare global {
  namespace Express {
    interface Request {
      /** This request's id: the caller's `X-Request-Id` when well-formed, else a new UUID. */
      id: string;
      /** The logger for this request: every line carries `reqId`. */
      log: Logger;
    }
  }
}

export const requestIdHeader = 'X-Request-Id';

/** What a caller (or a proxy in front) may choose as an id: short, and safe in a header and a log line. */
const wellFormed = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id: the incoming `X-Request-Id` when it is well-formed, else a UUID. The
 * answer carries it in `X-Request-Id`, and `req.log` writes it as `reqId` on every log line of the
 * request, so one id ties a caller's report to the server's logs. The logger is made the first time
 * a line is written: most requests write none.
 */
export function requestId(app: Express, logger: Logger): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request) {
      const log = logger.child({ reqId: this.id });
      Object.defineProperty(this, 'log', { value: log, writable: true, configurable: true, enumerable: true });
      return log;
    },
    set(this: Request, log: Logger) {
      Object.defineProperty(this, 'log', { value: log, writable: true, configurable: true, enumerable: true });
    },
  });
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && wellFormed.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader(requestIdHeader, id);
    requestsRunning.run(req, next);
  };
}

const requestsRunning = new AsyncLocalStorage<Request>();

/**
 * The logger of the request the calling code runs for (its lines carry `reqId`), else `fallback`: for
 * what logs outside the HTTP layer during a request (the engine's action failures, the outcome line).
 */
export function requestLoggerOr(fallback: Logger): Logger {
  return requestsRunning.getStore()?.log ?? fallback;
}
