import type { Request } from 'express';

/** The client's address as Express resolved it (proxies are trusted only on loopback). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
