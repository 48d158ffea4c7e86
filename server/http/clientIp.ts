import type { Request } from 'express';

/** The client's address as Express resolved it: the peer's, or `X-Forwarded-For`'s through the proxies `TRUST_PROXY` trusts. */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
