import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style:
 *
 *     Numberflow-Signature: t=1735689600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *     Numberflow-Event-Id: wh-<sessionId>-<version>
 *
 * `v1` is the hex HMAC-SHA256, keyed with the scheme's webhook secret, of `<t>.<raw body>`
 * (`t` in Unix seconds). A receiver recomputes it over the raw bytes it received (before any
 * JSON parsing), compares in constant time, refuses a `t` more than the tolerance (default
 * 300 s) away from its clock (a replay), and dedupes on the event id (a retry resends the
 * same event with a fresh `t`). While a secret is being rotated the header carries one `v1`
 * per active secret; any one matching is enough.
 */
export const SIGNATURE_HEADER = 'Numberflow-Signature';
export const EVENT_ID_HEADER = 'Numberflow-Event-Id';
export const USER_AGENT = 'numberflow-webhooks';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookBody = string | Uint8Array;

function hmacHex(secret: string, timestampSeconds: number, body: WebhookBody): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/** The `Numberflow-Signature` header value; with several secrets (rotation), one `v1` each. */
export function signWebhook(secret: string | readonly string[], timestampSeconds: number, body: WebhookBody): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new RangeError(`timestamp must be whole Unix seconds, got ${timestampSeconds}`);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new RangeError('at least one secret is needed to sign');
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${hmacHex(s, timestampSeconds, body)}`)].join(',');
}

export type WebhookVerification = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

const TIMESTAMP = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks a `Numberflow-Signature` header against the raw body, as an app backend does.
 * `secret` may be several (the receiver's side of a rotation). `malformed`: no header, no
 * or several `t`, no well-formed `v1`; `stale`: `t` outside ± tolerance of `nowSeconds`;
 * `mismatch`: no `v1` matches. Unknown schemes (`v0=…`) are ignored.
 */
export function verifyWebhookSignature(options: {
  header: string | readonly string[] | null | undefined;
  body: WebhookBody;
  secret: string | readonly string[];
  nowSeconds: number;
  toleranceSeconds?: number;
}): WebhookVerification {
  const { body, nowSeconds, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = options;
  // A header sent twice arrives as an array (or joined by ", "): both are read as one list.
  const header = Array.isArray(options.header) ? options.header.join(',') : options.header;
  if (typeof header !== 'string' || header.length === 0 || header.length > 4096) return { ok: false, reason: 'malformed' };
  const timestamps: string[] = [];
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') timestamps.push(value);
    else if (key === 'v1' && HEX_SHA256.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  const [timestamp] = timestamps;
  if (timestamps.length !== 1 || timestamp === undefined || !TIMESTAMP.test(timestamp) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const t = Number(timestamp);
  if (!(Math.abs(nowSeconds - t) <= toleranceSeconds)) return { ok: false, reason: 'stale' };
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  let matched = false;
  // Every pair is compared (no early exit), each in constant time.
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
    for (const signature of signatures) matched = timingSafeEqual(expected, signature) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
