import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The only form in which an SMS code is stored: an HMAC-SHA256 bound to the scope and
 * number it was sent for, so a leaked store reveals no codes and a code cannot be
 * replayed in another session or for another number.
 */
export function smsCodeDigest(hmacKey: Buffer | string, scope: string, phoneNumber: string, code: string): string {
  // JSON keeps the three fields apart whatever characters a scope contains.
  return createHmac('sha256', hmacKey)
    .update(JSON.stringify([scope, phoneNumber, code]))
    .digest('base64url');
}

/** Constant-time equality of two digests. */
export function digestsEqual(left: string, right: string): boolean {
  const leftBytes = Buffer.from(left, 'base64url');
  const rightBytes = Buffer.from(right, 'base64url');
  return leftBytes.length === rightBytes.length && timingSafeEqual(leftBytes, rightBytes);
}
