import { createHash, createHmac } from 'node:crypto';

/**
 * Alibaba Cloud's two request signatures, as the official SDK computes them
 * (reference/alicloud-dypnsapi.md §2): ACS3-HMAC-SHA256 (the SDK's default) and the
 * legacy RPC HMAC-SHA1 v1 (`signatureAlgorithm: 'v2'`).
 */

/** encodeURIComponent plus `!'()*`, as the SDK encodes for both signature versions. */
export function popEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** HMAC-SHA1 v1 signature over all parameters except `Signature`. */
export function rpcV1Signature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${popEncode(k)}=${popEncode(params[k] ?? '')}`)
    .join('&');
  const stringToSign = `${method}&${popEncode('/')}&${popEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

/** ACS3-HMAC-SHA256 signature; `headers` have lowercased names, `signedHeaders` are already sorted. */
export function acs3Signature(input: {
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  signedHeaders: string[];
  bodySha256Hex: string;
  secret: string;
}): string {
  const canonicalQuery = Object.keys(input.query)
    .sort()
    .map((k) => `${k}=${popEncode(input.query[k] ?? '')}`)
    .join('&');
  const canonicalHeaders = input.signedHeaders.map((h) => `${h}:${(input.headers[h] ?? '').trim()}\n`).join('');
  const canonicalRequest = [input.method, '/', canonicalQuery, canonicalHeaders, input.signedHeaders.join(';'), input.bodySha256Hex].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  return createHmac('sha256', input.secret).update(stringToSign).digest('hex');
}

/** The parts of an `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header, or null. */
export function parseAcs3Authorization(header: string): { accessKeyId: string; signedHeaders: string[]; signature: string } | null {
  const m = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return null;
  return { accessKeyId: m[1] ?? '', signedHeaders: (m[2] ?? '').split(';'), signature: (m[3] ?? '').toLowerCase() };
}
