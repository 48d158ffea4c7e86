import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientEventTypes } from '../../machines/index.js';
import { useTestServer } from '../support/useTestServer.js';

let authToken = '';
let sessionId = '';
const ctx = useTestServer({}, async () => {
  authToken = await ctx.flow.authToken();
  sessionId = (await ctx.flow.openOk(authToken, '100001')).id;
});

const anyJsonBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((o) => JSON.stringify(o)),
);

const eventLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...clientEventTypes), fc.string({ maxLength: 30 })),
    accessToken: fc.jsonValue({ maxDepth: 1 }),
    digits: fc.jsonValue({ maxDepth: 1 }),
    phoneNumber: fc.oneof(fc.string({ maxLength: 40 }), fc.integer()),
    code: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()),
    solution: fc.jsonValue({ maxDepth: 2 }),
    __proto__: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['type'] },
);

function expectClientError(response: { status: number; body: any }) {
  expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(200);
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
  if (response.status >= 400) expect(response.body?.error?.code).toEqual(expect.any(String));
}

describe('whatever a client sends, the answer is never a 500', () => {
  it.each([
    ['/v1/sessions', () => ({ bearer: authToken })],
    [`/v1/sessions/:id/events`, () => ({ bearer: authToken })],
    ['/v1/fusion-auth/token', () => 'accessKey' as const],
    ['/v1/fusion-auth/verify', () => 'accessKey' as const],
    ['/v1/sms-verification/check-code', () => 'accessKey' as const],
    ['/v1/admin/schemes', () => 'admin' as const],
    ['/v1/simulator/carrier-token', () => 'none' as const],
    ['/v1/simulator/uplink-sms', () => 'none' as const],
  ])('arbitrary bodies to %s', async (path, auth) => {
    await fc.assert(
      fc.asyncProperty(anyJsonBody, async (rawBody) => {
        const response = await ctx.server.api.request('POST', path.replace(':id', sessionId), { rawBody, auth: auth() });
        expectClientError(response);
      }),
      { numRuns: 60 },
    );
  });

  it('event-shaped bodies with wrong or odd fields', async () => {
    await fc.assert(
      fc.asyncProperty(eventLike, async (event) => {
        const response = await ctx.server.api.request('POST', `/v1/sessions/${sessionId}/events`, {
          rawBody: JSON.stringify(event),
          auth: { bearer: authToken },
        });
        expectClientError(response);
      }),
      { numRuns: 150 },
    );
  });

  it('odd ids and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), async (raw) => {
        const id = encodeURIComponent(raw);
        expectClientError(await ctx.server.api.get(`/v1/sessions/${id}`, { bearer: authToken }));
        expectClientError(await ctx.server.api.get(`/v1/admin/sessions/${id}/trace`, 'admin'));
        expectClientError(await ctx.server.api.get(`/v1/admin/schemes/${id}`, 'admin'));
        expectClientError(await ctx.server.api.get(`/v1/simulator/sms?phoneNumber=${id}`));
        expectClientError(await ctx.server.api.get(`/v1/admin/sessions?limit=${id}`, 'admin'));
      }),
      { numRuns: 60 },
    );
  });

  it('paths that are not valid percent-encoding, with or without credentials', async () => {
    for (const bad of ['%ZZ', '%E0%A4%A', '%', 'ok%C3']) {
      for (const path of [`/v1/sessions/${bad}`, `/v1/admin/sessions/${bad}/chart`, `/v1/admin/policies/${bad}/chart`, `/v1/admin/schemes/${bad}`]) {
        const anonymous = await ctx.server.api.get(path);
        expect(anonymous.status, path).toBeLessThan(500);
        const withAdmin = await ctx.server.api.get(path, 'admin');
        expect(withAdmin.status, path).toBe(400);
        expect(withAdmin.body.error.code).toBe('MALFORMED_URL');
      }
    }
  });
});
