import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/testServer.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const android = { name: 'Shop', appName: 'Shop app', platform: 'Android', packageName: 'com.shop.app', packageSign: 'abcdefabcdefabcdefabcdefabcdef12' };

describe('operator API: schemes', () => {
  it('creates, reads, lists, replaces and deletes a scheme', async () => {
    const created = await server.api.post('/v1/admin/schemes', android, 'admin');
    expect(created.status).toBe(201);
    expect(created.body.code).toMatch(/^FA\d{15}$/);
    expect(created.headers.get('location')).toBe(`/v1/admin/schemes/${created.body.code}`);
    const code = created.body.code as string;

    expect((await server.api.get(`/v1/admin/schemes/${code}`, 'admin')).body).toMatchObject({ ...android, code });
    const list = await server.api.get('/v1/admin/schemes', 'admin');
    expect(list.body.schemes.map((s: { code: string }) => s.code)).toContain(code);

    const replaced = await server.api.request('PUT', `/v1/admin/schemes/${code}`, { body: { ...android, name: 'Shop 2' }, auth: 'admin' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ code, name: 'Shop 2', createdAt: created.body.createdAt });

    expect((await server.api.request('DELETE', `/v1/admin/schemes/${code}`, { auth: 'admin' })).status).toBe(204);
    expect((await server.api.get(`/v1/admin/schemes/${code}`, 'admin')).status).toBe(404);
    expect((await server.api.request('DELETE', `/v1/admin/schemes/${code}`, { auth: 'admin' })).status).toBe(404);
  });

  it('takes a chosen code once', async () => {
    const body = { ...android, code: 'FA123456789000001' };
    expect((await server.api.post('/v1/admin/schemes', body, 'admin')).status).toBe(201);
    const again = await server.api.post('/v1/admin/schemes', body, 'admin');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SCHEME_EXISTS');
  });

  it.each([
    ['Android without a signature', { name: 'x', platform: 'Android', packageName: 'com.a.b' }, 'packageSign'],
    ['Android with a short signature', { ...android, packageSign: 'abc' }, 'packageSign'],
    ['Android with a bundle id', { ...android, bundleId: 'com.a.b' }, 'bundleId'],
    ['iOS without a bundle id', { name: 'x', platform: 'iOS' }, 'bundleId'],
    ['HarmonyOS without an AppId', { name: 'x', platform: 'HarmonyOS', packageName: 'com.a.b', packageSign: 'abcdefabcdefabcdefabcdefabcdef12' }, 'appId'],
    ['H5 with an origin that ends in /', { name: 'x', platform: 'H5', origin: 'https://a.example/', url: 'https://a.example/login/' }, 'origin'],
    ['H5 with a URL that does not end in /', { name: 'x', platform: 'H5', origin: 'https://a.example', url: 'https://a.example/login' }, 'url'],
    ['an unknown platform', { name: 'x', platform: 'Symbian' }, 'platform'],
    ['a malformed code', { ...android, code: 'XX1' }, 'code'],
    ['an unknown field', { ...android, colour: 'blue' }, ''],
  ])('refuses %s, naming the field', async (_name, body, field) => {
    const response = await server.api.post('/v1/admin/schemes', body, 'admin');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    if (field) expect(response.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('refuses without the admin token', async () => {
    expect((await server.api.get('/v1/admin/schemes')).status).toBe(401);
    expect((await server.api.get('/v1/admin/schemes', { bearer: 'wrong' })).status).toBe(401);
    expect((await server.api.get('/v1/admin/schemes', 'accessKey')).status).toBe(401);
  });
});

describe('operator API: access keys', () => {
  it('shows a new secret once; a disabled or deleted key stops working', async () => {
    const created = await server.api.post('/v1/admin/access-keys', { description: 'backend' }, 'admin');
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    const list = await server.api.get('/v1/admin/access-keys', 'admin');
    const listed = list.body.accessKeys.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ id, enabled: true, description: 'backend' });
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const tokenRequest = { schemeCode: 'FA000000000000002', platform: 'iOS', bundleId: 'com.example.numberflow', durationSeconds: 900 };
    expect((await server.api.post('/v1/fusion-auth/token', tokenRequest, { basic: [id, secret] })).status).toBe(200);
    expect((await server.api.post(`/v1/admin/access-keys/${id}/disable`, {}, 'admin')).body.enabled).toBe(false);
    expect((await server.api.post('/v1/fusion-auth/token', tokenRequest, { basic: [id, secret] })).status).toBe(401);
    await server.api.post(`/v1/admin/access-keys/${id}/enable`, {}, 'admin');
    expect((await server.api.post('/v1/fusion-auth/token', tokenRequest, { basic: [id, secret] })).status).toBe(200);
    expect((await server.api.request('DELETE', `/v1/admin/access-keys/${id}`, { auth: 'admin' })).status).toBe(204);
    expect((await server.api.post('/v1/fusion-auth/token', tokenRequest, { basic: [id, secret] })).status).toBe(401);
  });
});

describe('operator API: sessions and traces', () => {
  it('lists sessions and shows one with its trace', async () => {
    const tokenResponse = await server.api.post(
      '/v1/fusion-auth/token',
      { schemeCode: 'FA000000000000002', platform: 'iOS', bundleId: 'com.example.numberflow', durationSeconds: 900 },
      'accessKey',
    );
    const session = await server.api.post('/v1/sessions', { sceneCode: '100001', device: { emulator: false } }, { bearer: tokenResponse.body.authToken });
    const id = session.body.id as string;

    const list = await server.api.get('/v1/admin/sessions?limit=10', 'admin');
    expect(list.body.sessions.map((s: { id: string }) => s.id)).toContain(id);
    const detail = await server.api.get(`/v1/admin/sessions/${id}`, 'admin');
    expect(detail.body).toMatchObject({ id, status: 'pending', context: { sceneCode: '100001', endpointRisk: { score: expect.any(Number) } } });
    expect(Object.keys(detail.body.timers).some((t) => t.includes('numberAuthFallback'))).toBe(true);
    const trace = await server.api.get(`/v1/admin/sessions/${id}/trace`, 'admin');
    expect(trace.body.entries.map((e: { kind: string; state: string }) => [e.kind, e.state])).toEqual([
      ['init', 'endpointRisk'],
      ['event', 'proveNumber.numberAuth.awaitingToken'],
    ]);
    expect(trace.body.entries[1].payload).toMatchObject({ type: 'ENDPOINT_RISK_RESULT', reasons: [] });
  });
});

describe('health', () => {
  it('answers liveness, readiness and metrics', async () => {
    expect((await server.api.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await server.api.get('/readyz')).body).toEqual({ status: 'ready', store: 'redis' });
    const metrics = await server.api.get('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/numberflow_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
  });
});
