import { testCredentials } from '../support/testServer.js';
import { signWebhook } from '../../server/webhooks/webhookSignature.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/apiClient.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';
import { documentSchemas } from './documentSchemas.js';
import { signedV1Params } from '../support/dypnsSdk.js';

/**
 * The document's response schemas against what the server really answers: each call below
 * checks its body against the schema the document gives for that operation and status, and the
 * last test checks that every documented operation was seen answering with its success status.
 */
const ctx = useTestServer({ store: 'memory' });
let check: ReturnType<typeof documentSchemas>;
let documented: string[] = [];
const seen = new Set<string>();

beforeAll(async () => {
  const document = (await ctx.server.api.get('/openapi.json')).body;
  check = documentSchemas(document);
  documented = Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} ${Object.keys(op.responses).find((s) => s.startsWith('2'))}`),
  );
});

type Auth = 'accessKey' | 'admin' | 'none' | { bearer: string };
interface Call {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  rawBody?: string;
  auth?: Auth;
  headers?: Record<string, string>;
}

/** Calls `method template` and checks the answer against the document. */
async function call(method: string, template: string, options: Call = {}, expectedStatus?: number): Promise<ApiResponse> {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? `missing-${name}`));
  const response = await ctx.server.api.request(method, `${path}${options.query ?? ''}`, {
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : {}),
    auth: options.auth ?? 'none',
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const what = `${method} ${path} → ${response.status} ${JSON.stringify(response.body)?.slice(0, 500)}`;
  if (expectedStatus !== undefined) expect(response.status, what).toBe(expectedStatus);
  expect(check.responseErrors(method, template, response.status, response.body, response.headers.get('content-type')), what).toEqual([]);
  seen.add(`${method} ${template} ${response.status}`);
  return response;
}

const admin = { auth: 'admin' } as const;
const androidIdentity = { packageName: androidScheme.packageName!, packageSign: androidScheme.packageSign! };
const tokenBody = { schemeCode: androidScheme.code, platform: 'Android', ...androidIdentity, durationSeconds: 900 };

async function authToken(): Promise<string> {
  return (await call('POST', '/v1/fusion-auth/token', { body: tokenBody, auth: 'accessKey' }, 200)).body.authToken;
}

describe('the answers of the server conform to the document', () => {
  it('health, metrics and the reference', async () => {
    await call('GET', '/healthz', {}, 200);
    await call('GET', '/readyz', {}, 200);
    await call('GET', '/metrics', {}, 200);
    await call('GET', '/openapi.json', {}, 200);
    await call('GET', '/docs', {}, 200);
  });

  it('app backend tokens and their errors', async () => {
    await authToken();
    await call('POST', '/v1/fusion-auth/token', { body: tokenBody }, 401);
    await call('POST', '/v1/fusion-auth/token', { body: { ...tokenBody, durationSeconds: 899 }, auth: 'accessKey' }, 400);
    await call('POST', '/v1/fusion-auth/token', { rawBody: '{"schemeCode":', auth: 'accessKey' }, 400);
    await call('POST', '/v1/fusion-auth/token', { body: { ...tokenBody, packageSign: 'f'.repeat(32) }, auth: 'accessKey' }, 403);
    await call('POST', '/v1/fusion-auth/token', { body: { ...tokenBody, schemeCode: 'FA999999999' }, auth: 'accessKey' }, 404);
    await call('POST', '/v1/fusion-auth/token', { body: { ...tokenBody, packageName: 'x'.repeat(20_000) }, auth: 'accessKey' }, 413);
  });

  it('a one-click session: start, read, the carrier token, verified, the verify token once', async () => {
    const token = await authToken();
    const opened = await call('POST', '/v1/sessions', { body: { sceneCode: '100001', device: { cellularAvailable: true } }, auth: { bearer: token } }, 201);
    const id = opened.body.id as string;
    await call('GET', '/v1/sessions/{id}', { params: { id }, auth: { bearer: token } }, 200);
    const carrier = await call('POST', '/v1/simulator/carrier-token', { body: { phoneNumber: '13800000001' } }, 201);
    const verified = await call(
      'POST',
      '/v1/sessions/{id}/events',
      { params: { id }, body: { type: 'NUMBER_AUTH_TOKEN', accessToken: carrier.body.accessToken }, auth: { bearer: token } },
      200,
    );
    expect(verified.body.status).toBe('verified');
    await call('POST', '/v1/sessions/{id}/events', { params: { id }, body: { type: 'CANCEL' }, auth: { bearer: token } }, 409);
    await call('POST', '/v1/sessions/{id}/events', { params: { id }, body: { type: 'NOPE' }, auth: { bearer: token } }, 400);
    await call('POST', '/v1/fusion-auth/verify', { body: { verifyToken: verified.body.verifyToken }, auth: 'accessKey' }, 200);
    await call('POST', '/v1/fusion-auth/verify', { body: { verifyToken: verified.body.verifyToken }, auth: 'accessKey' }, 404);
    await call('GET', '/v1/sessions/{id}', { params: { id: 'AAAAAAAAAAAAAAAAAAAAAA' }, auth: { bearer: token } }, 404);
    await call('POST', '/v1/sessions', { body: { sceneCode: '100009' }, auth: { bearer: token } }, 400);
    await call('POST', '/v1/sessions', { body: { sceneCode: '100001' }, auth: { bearer: 'nope' } }, 401);
  });

  it('an SMS session: enter the number, a code (with its timestamps), a refused early resend, the code, a failure reason', async () => {
    const token = await authToken();
    const id = (await call('POST', '/v1/sessions', { body: { sceneCode: '100004' }, auth: { bearer: token } }, 201)).body.id as string;
    const asked = await call(
      'POST',
      '/v1/sessions/{id}/events',
      { params: { id }, body: { type: 'PHONE_NUMBER', phoneNumber: '13800000002' }, auth: { bearer: token } },
      200,
    );
    expect(asked.body.nextAction.type).toBe('smsCode');
    await call('POST', '/v1/sessions/{id}/events', { params: { id }, body: { type: 'RESEND_SMS' }, auth: { bearer: token } }, 429);
    const sms = await call('GET', '/v1/simulator/sms', { query: '?phoneNumber=13800000002' }, 200);
    const code = /(\d{4,8})/.exec(sms.body.messages.at(-1).text)![1];
    await call('POST', '/v1/sessions/{id}/events', { params: { id }, body: { type: 'SMS_CODE', code }, auth: { bearer: token } }, 200);

    const other = (await call('POST', '/v1/sessions', { body: { sceneCode: '100004' }, auth: { bearer: token } }, 201)).body.id as string;
    const cancelled = await call('POST', '/v1/sessions/{id}/events', { params: { id: other }, body: { type: 'CANCEL' }, auth: { bearer: token } }, 200);
    expect(cancelled.body).toMatchObject({ status: 'failed', failureReason: 'cancelled' });
    await call('POST', '/v1/simulator/uplink-sms', { body: { from: '13800000003', to: '1069000000', text: 'hello' } }, 202);
    await call('PUT', '/v1/simulator/recycled-numbers/{phoneNumber}', { params: { phoneNumber: '13800000004' } }, 200);
    await call('DELETE', '/v1/simulator/recycled-numbers/{phoneNumber}', { params: { phoneNumber: '13800000004' } }, 200);
    await call('PUT', '/v1/simulator/recycled-numbers/{phoneNumber}', { params: { phoneNumber: '12' } }, 400);
    const inbound = JSON.stringify({ from: '13800000003', to: '1069000000', text: 'hello' });
    const signature = signWebhook(testCredentials.uplinkWebhookSecret, Math.floor(Date.now() / 1000), inbound);
    await call('POST', '/v1/inbound/uplink-sms', { rawBody: inbound, headers: { 'content-type': 'application/json', 'numberflow-signature': signature } }, 202);
    await call('POST', '/v1/inbound/uplink-sms', { rawBody: inbound, headers: { 'content-type': 'application/json' } }, 401);
    await call('GET', '/v1/simulator/sms', { query: '?phoneNumber=1' }, 400);
  });

  it("the vendor's plain number and SMS verification", async () => {
    const sent = await call('POST', '/v1/sms-verification/send-code', { body: { phoneNumber: '13800000010', returnVerifyCode: true }, auth: 'accessKey' }, 200);
    await call('POST', '/v1/sms-verification/send-code', { body: { phoneNumber: '13800000010' }, auth: 'accessKey' }, 429);
    await call('POST', '/v1/sms-verification/check-code', { body: { phoneNumber: '13800000010', code: sent.body.verifyCode }, auth: 'accessKey' }, 200);
    const again = await call(
      'POST',
      '/v1/sms-verification/check-code',
      { body: { phoneNumber: '13800000010', code: sent.body.verifyCode }, auth: 'accessKey' },
      200,
    );
    expect(again.body).toEqual({ verifyResult: 'UNKNOWN', reason: 'EXPIRED' });
    const one = await call('POST', '/v1/simulator/carrier-token', { body: { phoneNumber: '13800000011' } }, 201);
    await call('POST', '/v1/number-verification/get-mobile', { body: { accessToken: one.body.accessToken, outId: 'o-1' }, auth: 'accessKey' }, 200);
    await call('POST', '/v1/number-verification/get-mobile', { body: { accessToken: one.body.accessToken }, auth: 'accessKey' }, 400);
    const two = await call('POST', '/v1/simulator/carrier-token', { body: { phoneNumber: '13800000012' } }, 201);
    await call(
      'POST',
      '/v1/number-verification/verify-mobile',
      { body: { accessToken: two.body.accessToken, phoneNumber: '13800000012' }, auth: 'accessKey' },
      200,
    );
    const failing = await call('POST', '/v1/simulator/carrier-token', { body: { phoneNumber: '13800000013', outcome: 'error' } }, 201);
    await call('POST', '/v1/number-verification/get-mobile', { body: { accessToken: failing.body.accessToken }, auth: 'accessKey' }, 502);
  });

  it('operator: schemes, webhooks and access keys', async () => {
    await call('GET', '/v1/admin/schemes', admin, 200);
    await call('GET', '/v1/admin/schemes', {}, 401);
    const created = await call('POST', '/v1/admin/schemes', { ...admin, body: { name: 'OpenAPI iOS', platform: 'iOS', bundleId: 'com.example.openapi' } }, 201);
    const code = created.body.code as string;
    await call('POST', '/v1/admin/schemes', { ...admin, body: { code, name: 'again', platform: 'iOS', bundleId: 'com.example.openapi' } }, 409);
    await call('POST', '/v1/admin/schemes', { ...admin, body: { name: 'no bundle', platform: 'iOS' } }, 400);
    await call('GET', '/v1/admin/schemes/{code}', { ...admin, params: { code } }, 200);
    await call(
      'PUT',
      '/v1/admin/schemes/{code}',
      { ...admin, params: { code }, body: { name: 'Renamed', platform: 'iOS', bundleId: 'com.example.openapi' } },
      200,
    );
    await call('GET', '/v1/admin/schemes/{code}', { ...admin, params: { code: 'FA123456789' } }, 404);

    await call('GET', '/v1/admin/schemes/{code}/webhook', { ...admin, params: { code } }, 404);
    await call('PUT', '/v1/admin/schemes/{code}/webhook', { ...admin, params: { code }, body: { url: 'http://127.0.0.1:9/hook' } }, 200);
    await call('GET', '/v1/admin/schemes/{code}/webhook', { ...admin, params: { code } }, 200);
    await call('DELETE', '/v1/admin/schemes/{code}/webhook', { ...admin, params: { code } }, 204);
    await call('PUT', '/v1/admin/schemes/{code}/phone-lists', { ...admin, params: { code }, body: { deny: ['13812340000'], allow: ['170'] } }, 200);
    await call('GET', '/v1/admin/schemes/{code}/phone-lists', { ...admin, params: { code } }, 200);
    await call('GET', '/v1/admin/phone-numbers/{phoneNumber}/code-check-lock', { ...admin, params: { phoneNumber: '13812340000' } }, 200);
    await call('DELETE', '/v1/admin/phone-numbers/{phoneNumber}/code-check-lock', { ...admin, params: { phoneNumber: '+8613812340000' } }, 200);
    await call('GET', '/v1/admin/phone-numbers/{phoneNumber}/code-check-lock', { ...admin, params: { phoneNumber: 'not-a-number' } }, 400);
    await call('DELETE', '/v1/admin/schemes/{code}', { ...admin, params: { code } }, 204);

    await call('GET', '/v1/admin/access-keys', admin, 200);
    const key = await call('POST', '/v1/admin/access-keys', { ...admin, body: { description: 'openapi test' } }, 201);
    const id = key.body.id as string;
    await call('POST', '/v1/admin/access-keys/{id}/disable', { ...admin, params: { id } }, 200);
    await call('POST', '/v1/admin/access-keys/{id}/enable', { ...admin, params: { id } }, 200);
    await call('DELETE', '/v1/admin/access-keys/{id}', { ...admin, params: { id } }, 204);
    await call('DELETE', '/v1/admin/access-keys/{id}', { ...admin, params: { id } }, 404);
  });

  it('operator: sessions, their detail and trace', async () => {
    const list = await call('GET', '/v1/admin/sessions', { ...admin, query: '?limit=5' }, 200);
    const id = list.body.sessions[0].id as string;
    await call('GET', '/v1/admin/sessions/{id}', { ...admin, params: { id } }, 200);
    await call('GET', '/v1/admin/sessions/{id}/trace', { ...admin, params: { id } }, 200);
    await call('GET', '/v1/admin/sessions', { ...admin, query: '?limit=0' }, 400);
  });

  it('operator: a session as pictures, live and replayed; the charts of policies; the console', async () => {
    const list = await call('GET', '/v1/admin/sessions', { ...admin, query: '?limit=5' }, 200);
    const session = list.body.sessions.find((s: { status: string }) => s.status !== 'pending') ?? list.body.sessions[0];
    const params = { id: session.id as string };
    expect((await call('GET', '/v1/admin/sessions/{id}/chart', { ...admin, params }, 200)).body).toMatch(/^<svg/);
    expect((await call('GET', '/v1/admin/sessions/{id}/chart', { ...admin, params, query: '?format=dot' }, 200)).body).toMatch(/^digraph/);
    await call('GET', '/v1/admin/sessions/{id}/chart', { ...admin, params, query: '?format=png' }, 400);
    await call('GET', '/v1/admin/sessions/{id}/timeline', { ...admin, params }, 200);
    expect((await call('GET', '/v1/admin/sessions/{id}/recording', { ...admin, params }, 200)).body).toMatchObject({ format: 'numberflow-recording/v1' });
    await call('GET', '/v1/admin/sessions/{id}/timeline', { ...admin, params: { id: 'no-such-session' } }, 404);
    if (session.status !== 'pending') expect((await call('GET', '/v1/admin/sessions/{id}/live', { ...admin, params }, 200)).body).toContain('event: end');
    const replayed = await call('POST', '/v1/admin/sessions/{id}/replay', { ...admin, params, body: {} }, 200);
    expect(replayed.body).toMatchObject({ mode: 'replay', matches: true });
    await call('POST', '/v1/admin/sessions/{id}/replay', { ...admin, params, body: { policyVersion: 'nope' } }, 404);
    await call('POST', '/v1/admin/sessions/{id}/replay', { ...admin, params, body: { policyVersion: 'a', policy: {} } }, 400);
    await call('GET', '/v1/admin/policies/{sceneCode}/chart', { ...admin, params: { sceneCode: '100001' }, query: '?sessions=recent' }, 200);
    await call('GET', '/v1/admin/policies/{sceneCode}/chart', { ...admin, params: { sceneCode: '999999' } }, 404);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/chart', { ...admin, params: { code: androidScheme.code, sceneCode: '100001' } }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/chart', { params: { code: androidScheme.code, sceneCode: '100001' } }, 401);
    expect((await call('GET', '/console', {}, 200)).body).toContain('numberflow console');
    const policy = (await call('GET', '/v1/admin/policies/{sceneCode}', { ...admin, params: { sceneCode: '100001' } }, 200)).body.policy;
    await call('POST', '/v1/admin/policies/{sceneCode}/impact', { ...admin, params: { sceneCode: '100001' }, body: { policy, limit: 5 } }, 200);
    await call('POST', '/v1/admin/policies/{sceneCode}/impact', { ...admin, params: { sceneCode: '100001' }, body: {} }, 400);
    const schemeParams = { code: androidScheme.code, sceneCode: '100001' };
    await call('GET', '/v1/admin/policies/{sceneCode}/test-paths', { ...admin, params: { sceneCode: '100005' } }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/test-paths', { ...admin, params: schemeParams }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/test-paths', { ...admin, params: schemeParams, query: '?platform=x' }, 400);
    await call('POST', '/v1/admin/schemes/{code}/policies/{sceneCode}/impact', { ...admin, params: schemeParams, body: { policy } }, 200);
    await call('POST', '/v1/admin/schemes/{code}/policies/{sceneCode}/impact', { ...admin, params: schemeParams, body: { policyVersion: 'nope' } }, 404);
    const diagram = await call('GET', '/v1/admin/policies/{sceneCode}/diagram', { ...admin, params: { sceneCode: '100001' } }, 200);
    expect(diagram.body.edges).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'start', to: 'endpointRisk' })]));
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/diagram', { ...admin, params: schemeParams }, 200);
    await call('POST', '/v1/admin/policies/{sceneCode}/check', { ...admin, params: { sceneCode: '100001' }, body: { policy } }, 200);
    await call('POST', '/v1/admin/schemes/{code}/policies/{sceneCode}/check', { ...admin, params: schemeParams, body: { policy: { nodes: {} } } }, 200);
    await call('POST', '/v1/admin/policies/{sceneCode}/check', { ...admin, params: { sceneCode: '100001' }, body: { draft: 1 } }, 400);
  });

  it('operator: global policies', async () => {
    const scene = { sceneCode: '100004' };
    await call('GET', '/v1/admin/policies', admin, 200);
    const read = await call('GET', '/v1/admin/policies/{sceneCode}', { ...admin, params: scene }, 200);
    await call('PUT', '/v1/admin/policies/{sceneCode}', { ...admin, params: scene, body: { ...read.body.policy, sessionTtlSeconds: 500 } }, 200);
    await call('PATCH', '/v1/admin/policies/{sceneCode}', { ...admin, params: scene, body: { sessionTtlSeconds: 400 } }, 200);
    await call('PATCH', '/v1/admin/policies/{sceneCode}', { ...admin, params: scene, body: { sessionTtlSeconds: 1 } }, 400);
    await call('PATCH', '/v1/admin/policies/{sceneCode}', { ...admin, params: scene, body: { sessionTtlSeconds: 300 }, headers: { 'if-match': '"1"' } }, 409);
    await call('GET', '/v1/admin/policies/{sceneCode}/versions', { ...admin, params: scene }, 200);
    await call('GET', '/v1/admin/policies/{sceneCode}/versions/{number}', { ...admin, params: { ...scene, number: '1' } }, 200);
    await call('GET', '/v1/admin/policies/{sceneCode}/versions/{number}', { ...admin, params: { ...scene, number: '99' } }, 404);
    await call('POST', '/v1/admin/policies/{sceneCode}/rollback', { ...admin, params: scene, body: { version: 1 } }, 200);
    await call('POST', '/v1/admin/policies/{sceneCode}/restore-defaults', { ...admin, params: scene }, 200);
    await call('GET', '/v1/admin/policies/{sceneCode}/logging', { ...admin, params: scene }, 200);
    await call('PUT', '/v1/admin/policies/{sceneCode}/logging', { ...admin, params: scene, body: { enabled: true } }, 200);
    await call('GET', '/v1/admin/policies/{sceneCode}', { ...admin, params: { sceneCode: '999999' } }, 404);
  });

  it('operator: scheme policies', async () => {
    const params = { code: androidScheme.code, sceneCode: '100004' };
    await call('GET', '/v1/admin/schemes/{code}/policies', { ...admin, params }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}', { ...admin, params }, 200);
    await call('PATCH', '/v1/admin/schemes/{code}/policies/{sceneCode}', { ...admin, params, body: { sessionTtlSeconds: 400 } }, 409);
    await call('PUT', '/v1/admin/schemes/{code}/policies/{sceneCode}', { ...admin, params, body: { inherit: false } }, 200);
    await call('PATCH', '/v1/admin/schemes/{code}/policies/{sceneCode}', { ...admin, params, body: { sessionTtlSeconds: 400 } }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/versions', { ...admin, params }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies/{sceneCode}/versions/{number}', { ...admin, params: { ...params, number: '1' } }, 200);
    await call('POST', '/v1/admin/schemes/{code}/policies/{sceneCode}/rollback', { ...admin, params, body: { version: 1 } }, 200);
    await call('POST', '/v1/admin/schemes/{code}/policies/{sceneCode}/restore-defaults', { ...admin, params, body: { node: 'smsCode' } }, 200);
    await call('PUT', '/v1/admin/schemes/{code}/policies/{sceneCode}', { ...admin, params, body: { inherit: true } }, 200);
    await call('GET', '/v1/admin/schemes/{code}/policies', { ...admin, params: { code: 'FA123456789' } }, 404);
  });

  it('operator: policy as code, export and import', async () => {
    const exported = await call('GET', '/v1/admin/config', admin, 200);
    expect(exported.body).toMatchObject({ apiVersion: 'numberflow/v1', kind: 'NumberflowConfig' });
    const yaml = await call('GET', '/v1/admin/config', { ...admin, query: '?format=yaml' }, 200);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    await call('GET', '/v1/admin/config', { ...admin, query: '?format=xml' }, 400);
    const schemesOnly = { apiVersion: 'numberflow/v1', kind: 'NumberflowConfig', schemes: exported.body.schemes };
    await call('POST', '/v1/admin/config', { ...admin, query: '?dryRun=true', body: schemesOnly }, 200);
    await call('POST', '/v1/admin/config', { ...admin, body: { ...schemesOnly, kind: 'Other' } }, 400);
    await call('POST', '/v1/admin/config', { ...admin, rawBody: 'kind: [', headers: { 'content-type': 'application/yaml' } }, 400);
    await call('POST', '/v1/admin/config', { ...admin, rawBody: 'hello', headers: { 'content-type': 'text/plain' } }, 415);
    await call('GET', '/v1/admin/config', {}, 401);
  });

  it('the vendor-compatible endpoint: an action signed by an access key, and its errors in the vendor envelope', async () => {
    const key = { accessKeyId: testCredentials.accessKeyId, accessKeySecret: testCredentials.accessKeySecret };
    for (const method of ['GET', 'POST'] as const) {
      const params = signedV1Params(method, 'GetMobile', { AccessToken: 'not-a-token' }, key);
      const answer = await call(method, '/', { query: `?${new URLSearchParams(params)}` }, 200);
      expect(answer.body).toMatchObject({ Code: 'isv.TOKEN_INVALID' });
      await call(method, '/', { query: '?Action=GetMobile&AccessToken=x' }, 400);
    }
    const unknown = signedV1Params('POST', 'NoSuchAction', {}, key);
    await call('POST', '/', { query: `?${new URLSearchParams(unknown)}` }, 404);
    const wrongKey = signedV1Params('POST', 'GetMobile', { AccessToken: 'x' }, { ...key, accessKeyId: 'NFUNKNOWNKEY1' });
    await call('POST', '/', { query: `?${new URLSearchParams(wrongKey)}` }, 404);
  });

  it('the client module, and the H5 demo with its app backend', async () => {
    expect((await call('GET', '/client/numberflow-client.js', {}, 200)).body).toContain('NumberflowClient');
    expect((await call('GET', '/demo', {}, 200)).body).toContain('numberflow H5 demo');
    const { authToken: h5Token } = (await call('POST', '/demo/api/auth-token', { body: {} }, 200)).body;
    await call('POST', '/demo/api/auth-token', { body: { schemeCode: androidScheme.code } }, 403);
    await call('POST', '/demo/api/auth-token', { body: { schemeCode: 'FA999999999' } }, 404);
    const session = (await call('POST', '/v1/sessions', { body: { sceneCode: '100001' }, auth: { bearer: h5Token } }, 201)).body;
    const params = { id: session.id };
    expect((await call('GET', '/demo/api/sessions/{id}/chart', { params, auth: { bearer: h5Token } }, 200)).body).toContain('<svg');
    await call('GET', '/demo/api/sessions/{id}/chart', { params, auth: { bearer: await authToken() } }, 404);
    await call('POST', '/v1/sessions/{id}/events', { params, body: { type: 'CANCEL' }, auth: { bearer: h5Token } }, 200);
    expect((await call('GET', '/demo/api/sessions/{id}/live', { params, auth: { bearer: h5Token } }, 200)).body).toContain('event: end');
    await call('POST', '/demo/api/verify', { body: { verifyToken: 'not-a-token' } }, 404);
    const token = await authToken();
    const oneClick = (await call('POST', '/v1/sessions', { body: { sceneCode: '100001' }, auth: { bearer: token } }, 201)).body;
    const carrier = await call('POST', '/v1/simulator/carrier-token', { body: { phoneNumber: '13800000002' } }, 201);
    const verified = await call(
      'POST',
      '/v1/sessions/{id}/events',
      { params: { id: oneClick.id }, body: { type: 'NUMBER_AUTH_TOKEN', accessToken: carrier.body.accessToken }, auth: { bearer: token } },
      200,
    );
    expect((await call('POST', '/demo/api/verify', { body: { verifyToken: verified.body.verifyToken } }, 200)).body).toMatchObject({ verifyResult: 'PASS' });
  });

  it('operator accounts and roles', async () => {
    await call('GET', '/v1/admin/me', admin, 200);
    const created = await call('POST', '/v1/admin/operators', { ...admin, body: { name: 'openapi-viewer', role: 'viewer' } }, 201);
    const viewer = { auth: { bearer: created.body.token as string } };
    await call('GET', '/v1/admin/operators', viewer, 200);
    await call('POST', '/v1/admin/operators', { ...viewer, body: { name: 'nope', role: 'admin' } }, 403);
    await call('POST', '/v1/admin/operators', { ...admin, body: { name: 'openapi-viewer', role: 'viewer' } }, 409);
    const params = { name: 'openapi-viewer' };
    await call('PATCH', '/v1/admin/operators/{name}', { ...admin, params, body: { role: 'editor' } }, 200);
    await call('PATCH', '/v1/admin/operators/{name}', { ...admin, params, body: {} }, 400);
    await call('POST', '/v1/admin/operators/{name}/token', { ...admin, params }, 200);
    await call('DELETE', '/v1/admin/operators/{name}', { ...admin, params }, 204);
    await call('DELETE', '/v1/admin/operators/{name}', { ...admin, params }, 404);
    await call('DELETE', '/v1/admin/operators/{name}', { ...admin, params: { name: 'admin' } }, 409);
    await call('GET', '/v1/admin/audit', { ...admin, query: '?limit=20&action=operator' }, 200);
    await call('GET', '/v1/admin/audit', { ...admin, query: '?limit=x' }, 400);
    await call('POST', '/v1/admin/erasures', { ...admin, body: { phoneNumber: '13900900009' } }, 200);
    await call('POST', '/v1/admin/erasures', { ...admin, body: { phoneNumber: 'x' } }, 400);
  });

  it('a scheme disabled and enabled', async () => {
    const params = { code: 'FA000000000000003' };
    await call('POST', '/v1/admin/schemes/{code}/disable', { ...admin, params }, 200);
    await call('POST', '/v1/admin/schemes/{code}/enable', { ...admin, params }, 200);
    await call('POST', '/v1/admin/schemes/{code}/enable', { ...admin, params: { code: 'FA999999999999' } }, 404);
  });

  it('operator: SMS signatures and templates', async () => {
    await call('GET', '/v1/admin/sms/signatures', admin, 200);
    await call('POST', '/v1/admin/sms/signatures', { ...admin, body: { name: '文档签名', description: 'openapi' } }, 201);
    await call('POST', '/v1/admin/sms/signatures', { ...admin, body: { name: '文档签名' } }, 409);
    await call('POST', '/v1/admin/sms/signatures', { ...admin, body: {} }, 400);
    const signature = { params: { name: '文档签名' } };
    await call('GET', '/v1/admin/sms/signatures/{name}', { ...admin, ...signature }, 200);
    await call('PUT', '/v1/admin/sms/signatures/{name}', { ...admin, ...signature, body: { description: 'changed' } }, 200);
    await call('DELETE', '/v1/admin/sms/signatures/{name}', { ...admin, ...signature }, 204);
    await call('GET', '/v1/admin/sms/signatures/{name}', { ...admin, ...signature }, 404);

    await call('GET', '/v1/admin/sms/templates', admin, 200);
    const created = await call('POST', '/v1/admin/sms/templates', { ...admin, body: { name: 'docs', content: 'Code ${code}, ${min} minutes.' } }, 201);
    await call('POST', '/v1/admin/sms/templates', { ...admin, body: { name: 'docs', content: 'no variables' } }, 400);
    const template = { params: { code: created.body.code as string } };
    await call('GET', '/v1/admin/sms/templates/{code}', { ...admin, ...template }, 200);
    await call('PUT', '/v1/admin/sms/templates/{code}', { ...admin, ...template, body: { name: 'docs', content: 'Your code ${code} (${min} min).' } }, 200);
    await call('PUT', '/v1/admin/sms/templates/{code}', { ...admin, params: { code: '100001' }, body: { name: 'x', content: '${code} ${min}' } }, 409);
    await call('DELETE', '/v1/admin/sms/templates/{code}', { ...admin, ...template }, 204);
    await call('DELETE', '/v1/admin/sms/templates/{code}', { ...admin, ...template }, 404);
  });

  it('numberflow as a CAMARA provider: the authorization server, Number Verification and One Time Password SMS', async () => {
    await call('GET', '/camara/.well-known/openid-configuration', {}, 200);
    await call('GET', '/camara/.well-known/oauth-authorization-server', {}, 200);
    await call('GET', '/camara/oauth2/jwks', {}, 200);
    const carrierToken = (await ctx.server.api.post('/v1/simulator/carrier-token', { phoneNumber: '13812340000' })).body.accessToken as string;
    const scope = 'number-verification:verify number-verification:device-phone-number:read one-time-password-sms:send-validate';
    await call('POST', '/camara/oauth2/bc-authorize', { body: { scope, login_hint: 'operatortoken:nonsense' }, auth: 'accessKey' }, 400);
    await call('POST', '/camara/oauth2/bc-authorize', { body: { scope, login_hint: 'operatortoken:x' } }, 401);
    const ciba = await call('POST', '/camara/oauth2/bc-authorize', { body: { scope, login_hint: `operatortoken:${carrierToken}` }, auth: 'accessKey' }, 200);
    await call('POST', '/camara/oauth2/token', { body: { grant_type: 'password' }, auth: 'accessKey' }, 400);
    const token = await call(
      'POST',
      '/camara/oauth2/token',
      { body: { grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: ciba.body.auth_req_id }, auth: 'accessKey' },
      200,
    );
    const bearer = { auth: { bearer: token.body.access_token as string }, headers: { 'x-correlator': 'doc-check' } };
    await call('POST', '/camara/number-verification/v2/verify', { ...bearer, body: { phoneNumber: '+8613812340000' } }, 200);
    await call('POST', '/camara/number-verification/v2/verify', { ...bearer, body: {} }, 400);
    await call('POST', '/camara/number-verification/v2/verify', { body: { phoneNumber: '+8613812340000' } }, 401);
    await call('GET', '/camara/number-verification/v2/device-phone-number', bearer, 200);
    const sent = await call(
      'POST',
      '/camara/one-time-password-sms/v1/send-code',
      { ...bearer, body: { phoneNumber: '+8613812340000', message: '{{code}}' } },
      200,
    );
    await call('POST', '/camara/one-time-password-sms/v1/send-code', { ...bearer, body: { phoneNumber: '+8613812340000', message: '{{code}}' } }, 429);
    await call('POST', '/camara/one-time-password-sms/v1/validate-code', { ...bearer, body: { authenticationId: 'unknown', code: '1' } }, 404);
    const code = /(\d{6})/.exec((await ctx.server.api.get('/v1/simulator/sms?phoneNumber=13812340000')).body.messages.at(-1).text)![1]!;
    await call('POST', '/camara/one-time-password-sms/v1/validate-code', { ...bearer, body: { authenticationId: sent.body.authenticationId, code } }, 204);
    await call('POST', '/camara/one-time-password-sms/v1/validate-code', { ...bearer, body: { authenticationId: sent.body.authenticationId, code } }, 400);
  });

  it('every documented operation was seen answering with its documented success status', () => {
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((operation) => !seen.has(operation))).toEqual([]);
  });
});
