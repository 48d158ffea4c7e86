import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../server/webhooks/webhookSignature.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/**
 * Bodies in a Content-Encoding: a body that decompresses as its header says is read as any other;
 * one that does not is the client's mistake and gets a 4xx in the API's error shape (the vendor's
 * shape on `/`), on every route that reads a body, with or without credentials.
 */
let authToken = '';
const ctx = useTestServer({}, async () => {
  authToken = await ctx.flow.authToken();
});

const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
const encodings = Object.keys(encoders) as (keyof typeof encoders)[];

async function post(path: string, body: Buffer | string, headers: Record<string, string>) {
  const response = await fetch(`${ctx.server.baseUrl}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as any, headers: response.headers };
}

const routes = () => [
  { path: '/v1/sessions', authorization: `Bearer ${authToken}` },
  {
    path: '/v1/fusion-auth/token',
    authorization: `Basic ${Buffer.from(`${testCredentials.accessKeyId}:${testCredentials.accessKeySecret}`).toString('base64')}`,
  },
  { path: '/v1/admin/schemes', authorization: `Bearer ${testCredentials.adminToken}` },
  { path: '/v1/admin/config', authorization: `Bearer ${testCredentials.adminToken}` },
  { path: '/v1/simulator/carrier-token', authorization: undefined },
  { path: '/v1/inbound/uplink-sms', authorization: undefined },
];

describe('a body that does not decompress as its Content-Encoding says', () => {
  it.each(encodings)('%s: 400 MALFORMED_BODY on every body-reading route, with and without credentials', async (encoding) => {
    for (const { path, authorization } of routes()) {
      for (const credentials of [authorization, undefined]) {
        const response = await post(path, 'x', {
          'content-type': 'application/json',
          'content-encoding': encoding,
          ...(credentials ? { authorization: credentials } : {}),
        });
        const what = `${encoding} ${path} ${credentials ? 'with' : 'without'} credentials → ${response.status} ${JSON.stringify(response.body)}`;
        if (credentials || response.status !== 401) {
          expect(response.status, what).toBe(400);
          expect(response.body, what).toEqual({ error: { code: 'MALFORMED_BODY', message: expect.any(String) } });
        }
      }
    }
  });

  it.each(encodings)('%s on the vendor-compatible endpoint: 400 InvalidParameters in the vendor shape', async (encoding) => {
    const response = await post('/', 'x', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ RequestId: expect.any(String), Code: 'InvalidParameters', Message: expect.any(String) });
  });

  it('an encoding the server does not know gets 415 UNSUPPORTED_ENCODING (UnsupportedMediaType on /)', async () => {
    const api = await post('/v1/simulator/carrier-token', '{}', { 'content-type': 'application/json', 'content-encoding': 'compress' });
    expect(api.status).toBe(415);
    expect(api.body.error.code).toBe('UNSUPPORTED_ENCODING');
    const vendor = await post('/', 'Action=GetMobile', { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'compress' });
    expect(vendor.status).toBe(415);
    expect(vendor.body).toMatchObject({ Code: 'UnsupportedMediaType' });
  });

  it('a compressed body that inflates past the limit gets 413', async () => {
    const big = gzipSync(JSON.stringify({ phoneNumber: '13800138000', padding: 'x'.repeat(200_000) }));
    expect(big.length).toBeLessThan(16_000);
    const response = await post('/v1/simulator/carrier-token', big, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('BODY_TOO_LARGE');
  });
});

describe('a body that does decompress', () => {
  it.each(encodings)('%s: is read like the plain body', async (encoding) => {
    const response = await post('/v1/simulator/carrier-token', encoders[encoding](JSON.stringify({ phoneNumber: '13800138000' })), {
      'content-type': 'application/json',
      'content-encoding': encoding,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.accessToken).toEqual(expect.any(String));
  });

  it('a signed inbound SMS may come gzipped: the signature covers the decoded body', async () => {
    const raw = JSON.stringify({ from: '13800138000', to: '10690000', text: 'hello' });
    const signature = signWebhook(testCredentials.uplinkWebhookSecret, Math.floor(ctx.server.clock.now() / 1000), raw);
    const response = await post('/v1/inbound/uplink-sms', gzipSync(raw), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'numberflow-signature': signature,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
  });
});
