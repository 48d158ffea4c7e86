import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientEventTypes } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';
import { signWebhook } from '../../server/webhooks/webhookSignature.js';
import { bodyText, contentEncoding, contentType, headerValue, mutatedBody, oddPathSegment, queryValue, schemaShaped } from './fuzz/fuzzArbitraries.js';
import { closeRawHttp, rawRequest, type RawRequest, type RawResponse } from './fuzz/rawHttp.js';
import { servedOperations, type ServedOperation } from './fuzz/servedOperations.js';

/**
 * The fuzz suite: property tests over every operation of the OpenAPI document the server serves.
 * Whatever a client sends (mistyped, malformed, polluted, huge, deep or unicode bodies in any
 * content type and encoding, any credentials or none, odd path ids and query values), the answer is
 * never a 5xx, every 4xx is in the error envelope (the vendor's on `/`), the server stays up, no
 * prototype is polluted, and a session that only requests without valid credentials reached is
 * exactly as it was.
 *
 * FUZZ_SEED (default 20261124) fixes the run, so CI is reproducible; FUZZ_RUNS (default 6) is the
 * number of generated requests per operation and property. `FUZZ_RUNS=200 npx vitest run --project
 * single tests/http/fuzzOpenApi.property.test.ts` is a long run; FUZZ_SEED=$RANDOM a new one.
 */
const seed = Number(process.env.FUZZ_SEED ?? 20261124);
const runs = Number(process.env.FUZZ_RUNS ?? 6);

const ctx = useTestServer({}, async () => {
  fixtures.authToken = await ctx.flow.authToken();
  // Scene 100004 waits at enterPhone, where no timer but the session's lifetime moves it.
  fixtures.guardedSession = (await ctx.flow.openOk(fixtures.authToken, '100004')).id;
  fixtures.playgroundSession = (await ctx.flow.openOk(fixtures.authToken, '100001')).id;
  const scheme = await ctx.server.api.post('/v1/admin/schemes', { ...androidScheme, code: 'FA900000000000001', name: 'fuzz playground' }, 'admin');
  expect(scheme.status).toBe(201);
  const key = await ctx.server.api.post('/v1/admin/access-keys', { description: 'fuzz playground' }, 'admin');
  expect(key.status).toBe(201);
  fixtures.playgroundKey = key.body.id;
  const camara = await ctx.server.api.post(
    '/camara/oauth2/token',
    { grant_type: 'client_credentials', scope: 'one-time-password-sms:send-validate number-verification:verify' },
    'accessKey',
  );
  expect(camara.status).toBe(200);
  fixtures.camaraToken = camara.body.access_token;
  operations = servedOperations((await ctx.server.api.get('/openapi.json')).body);
  bases = await validBodies(operations);
  guardedBefore = await guardedState();
  prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
});

const fixtures = { authToken: '', guardedSession: '', playgroundSession: '', playgroundKey: '', camaraToken: '' };
let operations: ServedOperation[] = [];
/** A valid body per operation (`METHOD /path`), to change one field at a time. */
let bases = new Map<string, unknown>();
let guardedBefore: Awaited<ReturnType<typeof guardedState>>;
let prototypeBefore: string[] = [];
const statuses = new Map<number, number>();

afterAll(() => {
  closeRawHttp();
  const histogram = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
  console.info(`fuzz: seed ${seed}, ${runs} runs per operation and property, ${operations.length} operations; answers ${histogram.join(' ')}`);
});

/** What an admin sees of the guarded session: every field that would move if anything touched it, and its log. */
async function guardedState() {
  const detail = await ctx.server.api.get(`/v1/admin/sessions/${fixtures.guardedSession}`, 'admin');
  const trace = await ctx.server.api.get(`/v1/admin/sessions/${fixtures.guardedSession}/trace`, 'admin');
  expect(detail.status).toBe(200);
  const { version, state, status, nextAction, context, timers, pending, updatedAt } = detail.body;
  return { view: { version, state, status, nextAction, context, timers, pending, updatedAt }, log: trace.body.entries as { payload: { type?: string } }[] };
}

// ---- credentials ----

type Credential = { kind: 'valid' | 'invalid'; authorization?: string };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function validCredential(security: string): Credential {
  if (security === 'appBackend') return { kind: 'valid', authorization: basic(testCredentials.accessKeyId, testCredentials.accessKeySecret) };
  if (security === 'client') return { kind: 'valid', authorization: `Bearer ${fixtures.authToken}` };
  if (security === 'admin') return { kind: 'valid', authorization: `Bearer ${testCredentials.adminToken}` };
  if (security === 'camaraClient') return { kind: 'valid', authorization: basic(testCredentials.accessKeyId, testCredentials.accessKeySecret) };
  if (security === 'camaraAccessToken') return { kind: 'valid', authorization: `Bearer ${fixtures.camaraToken}` };
  return { kind: 'valid' };
}

/** Every way to be wrong: none, another kind's valid credential, forged, tampered and malformed headers. */
function invalidCredential(security: string): fc.Arbitrary<Credential> {
  const token = () => fixtures.authToken;
  const others = [basic(testCredentials.accessKeyId, testCredentials.accessKeySecret), `Bearer ${testCredentials.adminToken}`, `Bearer ${token()}`].filter(
    (header) => header !== validCredential(security).authorization,
  );
  const forged = fc.constantFrom(
    undefined,
    basic(testCredentials.accessKeyId, 'wrong-secret-0123456789abcdef'),
    basic('NOSUCHKEY0001', testCredentials.accessKeySecret),
    basic(testCredentials.accessKeyId, ''),
    `Basic ${Buffer.from('no-colon-at-all').toString('base64')}`,
    `Basic ${Buffer.from(':').toString('base64')}`,
    'Basic !!!not-base64!!!',
    'Basic',
    'Basic ',
    'Bearer',
    'Bearer ',
    'Bearer  ',
    `Bearer ${testCredentials.adminToken}x`,
    `Bearer ${testCredentials.adminToken.slice(0, -1)}`,
    `bearer ${token().slice(0, -2)}AA`,
    `Bearer ${token().split('.').slice(0, 4).join('.')}`,
    `Bearer ${token().replace(/^[^.]+/, Buffer.from('{"alg":"none","enc":"A256GCM"}').toString('base64url'))}`,
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
    `Bearer ${'x'.repeat(6_000)}`,
    'Digest username="admin", realm="numberflow"',
    'ACS3-HMAC-SHA256 Credential=NFTESTKEY0001,SignedHeaders=host,Signature=00',
    'ACS3-HMAC-SHA256',
    'Negotiate YII=',
  );
  return fc.oneof(
    forged.map((authorization) => ({ kind: 'invalid' as const, ...(authorization === undefined ? {} : { authorization }) })),
    fc.constantFrom(...others).map((authorization) => ({ kind: 'invalid' as const, authorization })),
    headerValue.map((authorization) => ({ kind: 'invalid' as const, authorization })),
  );
}

/** The inbound-SMS webhook is public in the document but signed with `Numberflow-Signature`: its valid credential is that signature. */
const signedWebhook = (op: ServedOperation) => op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'numberflow-signature');

function credential(op: ServedOperation): fc.Arbitrary<Credential> {
  if (signedWebhook(op)) return fc.oneof(fc.constant<Credential>({ kind: 'valid' }), invalidCredential(op.security));
  if (op.security === 'none' || op.security === 'vendorSignature') return invalidCredential(op.security);
  return fc.oneof({ weight: 1, arbitrary: fc.constant(validCredential(op.security)) }, { weight: 1, arbitrary: invalidCredential(op.security) });
}

// ---- paths and requests ----

/** A real value for a path parameter: what valid credentials may change, or what must stay unchanged. */
function realPathValue(op: ServedOperation, name: string, credential: Credential): string {
  const valid = credential.kind === 'valid';
  if (name === 'id' && op.path.includes('/access-keys/')) return valid ? fixtures.playgroundKey : testCredentials.accessKeyId;
  if (name === 'id') return valid ? fixtures.playgroundSession : fixtures.guardedSession;
  if (name === 'code') return valid ? 'FA900000000000001' : androidScheme.code;
  if (name === 'sceneCode') return '100001';
  if (name === 'number') return '1';
  if (name === 'phoneNumber') return '13800000000';
  return 'x';
}

interface FuzzCase {
  credential: Credential;
  pathValues: Record<string, string | null>;
  query: [string, string][];
  headers: [string, string][];
  body: string | null;
  contentType: string | undefined;
  encoding: { header?: string; encode: (body: Buffer) => Buffer };
  requestId: string | undefined;
}

const vendorParameterNames = [
  'AccessToken',
  'PhoneNumber',
  'SchemeCode',
  'VerifyToken',
  'SpToken',
  'Signature',
  'AccessKeyId',
  'Timestamp',
  'SignatureNonce',
  'Format',
];

function fuzzCase(op: ServedOperation): fc.Arbitrary<FuzzCase> {
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const query = op.parameters
    .filter((p) => p.in === 'query')
    .map((p) =>
      fc.tuple(
        p.name.startsWith('<') ? fc.constantFrom(...vendorParameterNames) : fc.constant(p.name),
        fc.oneof(
          schemaShaped(p.schema).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
          queryValue,
        ),
      ),
    );
  const headers = op.parameters.filter((p) => p.in === 'header').map((p) => fc.tuple(fc.constant(p.name), headerValue));
  return fc.record({
    credential: credential(op),
    // null: the real value (a fixture); otherwise an odd segment.
    pathValues: fc.record(Object.fromEntries(pathNames.map((name) => [name, fc.option(oddPathSegment, { freq: 2, nil: null })]))),
    query: fc
      .subarray([...query, fc.tuple(fc.constantFrom('__proto__', 'constructor', '__proto__[polluted]', 'constructor[prototype][polluted]'), queryValue)])
      .chain((picked) => (picked.length ? fc.tuple(...picked) : fc.constant([] as [string, string][]))),
    headers: fc.subarray(headers).chain((picked) => (picked.length ? fc.tuple(...picked) : fc.constant([] as [string, string][]))),
    body: op.body || op.method !== 'GET' ? fc.option(bodyText(op.body), { freq: 6, nil: null }) : fc.option(bodyText(undefined), { freq: 1, nil: null }),
    contentType,
    encoding: contentEncoding,
    requestId: fc.option(headerValue, { nil: undefined }),
  });
}

function toRequest(op: ServedOperation, c: FuzzCase): RawRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => c.pathValues[name] ?? encodeURIComponent(realPathValue(op, name, c.credential)));
  const search = c.query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(Buffer.from(value).toString())}`).join('&');
  const headers: Record<string, string> = Object.fromEntries(c.headers);
  if (c.credential.authorization !== undefined) headers.authorization = c.credential.authorization;
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.encoding.header !== undefined) headers['content-encoding'] = c.encoding.header;
  if (c.requestId !== undefined) headers['x-request-id'] = c.requestId;
  if (signedWebhook(op) && c.credential.kind === 'valid')
    headers['numberflow-signature'] = signWebhook(testCredentials.uplinkWebhookSecret, Math.floor(ctx.server.clock.now() / 1000), c.body ?? '');
  return {
    method: op.method,
    path: search ? `${path}?${search}` : path,
    headers,
    ...(c.body === null ? {} : { body: c.encoding.encode(Buffer.from(c.body)) }),
  };
}

// ---- valid bodies ----

/** Bodies the routes accept, written out for the operations whose resource cannot be read back. */
const writtenBodies: Record<string, unknown> = {
  'POST /v1/fusion-auth/token': {
    schemeCode: 'FA900000000000001',
    platform: androidScheme.platform,
    packageName: androidScheme.packageName,
    packageSign: androidScheme.packageSign,
    durationSeconds: 900,
    phoneNumber: '13800000961',
  },
  'POST /v1/fusion-auth/verify': { verifyToken: 'vt_0123456789abcdef' },
  'POST /v1/number-verification/get-mobile': { accessToken: 'carrier-token', outId: 'o-1' },
  'POST /v1/number-verification/verify-mobile': { accessToken: 'carrier-token', phoneNumber: '13800000961' },
  'POST /v1/sms-verification/send-code': { phoneNumber: '13800000962', codeLength: 6, template: 'code ##code##', returnVerifyCode: true },
  'POST /v1/sms-verification/check-code': { phoneNumber: '13800000962', code: '123456' },
  'POST /v1/sessions': { sceneCode: '100001', device: { platform: 'Android', emulator: false } },
  'POST /v1/sessions/{id}/events': { type: 'PHONE_NUMBER', phoneNumber: '13800000963' },
  'POST /v1/admin/schemes': { ...androidScheme, code: 'FA900000000000002', name: 'fuzz made' },
  'POST /v1/admin/access-keys': { description: 'fuzz made', manageSchemes: false },
  'PUT /v1/admin/schemes/{code}/webhook': { url: 'http://127.0.0.1:9/hook' },
  'POST /v1/admin/sessions/{id}/replay': {},
  'POST /v1/admin/policies/{sceneCode}/impact': {},
  'POST /v1/admin/policies/{sceneCode}/restore-defaults': { node: 'smsCode' },
  'POST /v1/admin/policies/{sceneCode}/rollback': { version: 1 },
  'POST /v1/admin/schemes/{code}/policies/{sceneCode}/impact': {},
  'POST /v1/admin/schemes/{code}/policies/{sceneCode}/restore-defaults': {},
  'POST /v1/admin/schemes/{code}/policies/{sceneCode}/rollback': { version: 1 },
  'POST /v1/simulator/carrier-token': { phoneNumber: '13800000964', outcome: 'ok' },
  'POST /v1/simulator/uplink-sms': { from: '13800000964', to: '1069000000', text: 'hello' },
  'POST /v1/inbound/uplink-sms': { from: '13800000964', to: '1069000000', text: 'hello', messageId: 'm-1' },
};

/** The written bodies, and for the rest what reading the resource back gives, cut to the fields the body takes. */
async function validBodies(all: ServedOperation[]): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>(Object.entries(writtenBodies));
  for (const op of all) {
    const key = `${op.method} ${op.path}`;
    if (!op.body || found.has(key)) continue;
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => realPathValue(op, name, { kind: 'valid' }));
    const current = await ctx.server.api.get(path, 'admin');
    if (current.status !== 200 || typeof current.body !== 'object') continue;
    const fields = Object.keys((op.body.properties ?? {}) as object);
    for (const candidate of [current.body.policy, current.body]) {
      if (typeof candidate !== 'object' || candidate === null) continue;
      const kept = fields.length ? Object.fromEntries(Object.entries(candidate).filter(([name]) => fields.includes(name))) : candidate;
      if (Object.keys(kept).length) {
        found.set(key, kept);
        break;
      }
    }
  }
  return found;
}

// ---- the properties ----

function describeExchange(op: ServedOperation, req: RawRequest, res: RawResponse): string {
  const body = req.body ? req.body.toString('latin1').slice(0, 300) : '(none)';
  return `${op.operationId}: ${req.method} ${req.path.slice(0, 300)} ${JSON.stringify(req.headers).slice(0, 400)} body ${JSON.stringify(body)} → ${res.status} ${res.text.slice(0, 400)}`;
}

function expectSoundAnswer(op: ServedOperation, req: RawRequest, res: RawResponse): void {
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  const what = describeExchange(op, req, res);
  expect(res.status, what).toBeGreaterThanOrEqual(200);
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers['x-request-id'], what).toEqual(expect.any(String));
  expect(res.text, what).not.toMatch(/\bat .*\.(ts|js):\d+:\d+/);
  if (res.status < 400) return;
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  if (op.vendorEnvelope && new URL(req.path, 'http://x').pathname === '/')
    expect(res.json, what).toEqual({ RequestId: expect.any(String), Code: expect.any(String), Message: expect.any(String) });
  else if (op.errorEnvelope === 'camara')
    expect(res.json, what).toEqual({ status: res.status, code: expect.stringMatching(/^[A-Z_.]+$/), message: expect.any(String) });
  else if (op.errorEnvelope === 'oauth') expect(res.json, what).toEqual({ error: expect.stringMatching(/^[a-z_]+$/), error_description: expect.any(String) });
  else expect(res.json, what).toEqual({ error: expect.objectContaining({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) }) });
}

/**
 * Runs a property per operation, each with its own seed; every operation runs even when one fails,
 * and the failures are reported together (each with the counterexample and how to replay it).
 */
async function forEachOperation<Ts>(chosen: ServedOperation[], offset: number, numRuns: number, property: (op: ServedOperation) => fc.IAsyncProperty<Ts>) {
  const failures: string[] = [];
  for (const [index, op] of chosen.entries()) {
    const details = await fc.check(property(op), { seed: seed + offset + index, numRuns });
    if (details.failed) failures.push(`${op.operationId} (FUZZ_SEED=${seed}, seed ${seed + offset + index}):\n${fc.defaultReportMessage(details)}`);
  }
  expect(failures, failures.join('\n\n')).toEqual([]);
}

async function fuzzOperations(property: (op: ServedOperation) => fc.Arbitrary<FuzzCase>, offset: number) {
  expect(operations.length).toBeGreaterThan(60);
  await forEachOperation(operations, offset, runs, (op) =>
    fc.asyncProperty(property(op), async (c) => {
      const req = toRequest(op, c);
      expectSoundAnswer(op, req, await rawRequest(ctx.server.baseUrl, req));
    }),
  );
}

describe('fuzzing every operation of the served OpenAPI document', () => {
  beforeAll(() => {
    expect(operations.map((op) => `${op.method} ${op.path}`)).toEqual(expect.arrayContaining(['POST /v1/sessions', 'POST /', 'GET /v1/admin/schemes']));
  });

  it('anything, with any credentials: never a 5xx, always the error envelope', async () => {
    await fuzzOperations(fuzzCase, 0);
  }, 180_000);

  it('bodies without valid credentials: refused before they are read or after, never a 5xx', async () => {
    await fuzzOperations((op) => fuzzCase(op).chain((c) => invalidCredential(op.security).map((credential) => ({ ...c, credential }))), 10_000);
  }, 180_000);

  it('bodies with valid credentials and the right content type reach the routes, never a 5xx', async () => {
    await fuzzOperations(
      (op) =>
        fuzzCase(op).map((c) => ({
          ...c,
          credential: op.security === 'none' || op.security === 'vendorSignature' ? c.credential : validCredential(op.security),
          contentType: 'application/json',
          encoding: { encode: (b: Buffer) => b },
        })),
      20_000,
    );
  }, 180_000);

  it('valid bodies with one field changed, with valid credentials, reach deep into the routes: never a 5xx', async () => {
    const withBases = operations.filter((op) => bases.has(`${op.method} ${op.path}`));
    expect(withBases.length).toBeGreaterThan(25);
    await forEachOperation(withBases, 40_000, runs * 3, (op) => {
      const body = mutatedBody(bases.get(`${op.method} ${op.path}`)).map((value) => JSON.stringify(value) ?? 'null');
      return fc.asyncProperty(fuzzCase(op), body, async (c, text) => {
        const req = toRequest(op, {
          ...c,
          credential: op.security === 'vendorSignature' ? c.credential : validCredential(op.security),
          pathValues: Object.fromEntries(Object.keys(c.pathValues).map((name) => [name, null])),
          body: text,
          contentType: 'application/json',
          encoding: { encode: (b: Buffer) => b },
        });
        expectSoundAnswer(op, req, await rawRequest(ctx.server.baseUrl, req));
      });
    });
  }, 180_000);

  it('any method on every path: never a 5xx, a JSON error when refused', async () => {
    const templates = [...new Set(operations.map((op) => op.path))];
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'M-SEARCH');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...templates), method, invalidCredential('admin'), async (template, verb, credential) => {
        // A listed method answers as its operation does; any other gets the API's JSON 404, also on `/`.
        const listed = operations.find((o) => o.path === template && o.method === verb);
        // Under a CAMARA API's base path an unlisted method is CAMARA's 404; elsewhere the API's own.
        const { errorEnvelope, ...any } = operations.find((o) => o.path === template)!;
        const op = listed ?? { ...any, operationId: `unlisted ${verb}`, vendorEnvelope: false, ...(errorEnvelope === 'camara' ? { errorEnvelope } : {}) };
        const req: RawRequest = {
          method: verb,
          path: template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(realPathValue(op, name, credential))),
          headers: credential.authorization === undefined ? {} : { authorization: credential.authorization },
        };
        const res = await rawRequest(ctx.server.baseUrl, req);
        const what = describeExchange(op, req, res);
        expect(res.status, what).toBeLessThan(500);
        if (verb !== 'HEAD' && res.status >= 400) expectSoundAnswer(op, req, res);
      }),
      { seed: seed + 50_000, numRuns: runs * 20 },
    );
  }, 180_000);

  it('session events of every type with odd fields, with the session’s client token', async () => {
    const event = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...clientEventTypes), fc.string({ maxLength: 30 })),
        accessToken: fc.jsonValue({ maxDepth: 1 }),
        digits: fc.jsonValue({ maxDepth: 1 }),
        phoneNumber: fc.oneof(fc.string({ maxLength: 40 }), fc.integer()),
        code: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()),
        solution: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['type'] },
    );
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const op = operations.find((o) => o.operationId === 'sendSessionEvent') ?? operations.find((o) => o.path === '/v1/sessions/{id}/events')!;
        const req: RawRequest = {
          method: 'POST',
          path: `/v1/sessions/${fixtures.playgroundSession}/events`,
          headers: { authorization: `Bearer ${fixtures.authToken}`, 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify(e)),
        };
        expectSoundAnswer(op, req, await rawRequest(ctx.server.baseUrl, req));
      }),
      { seed: seed + 30_000, numRuns: runs * 20 },
    );
  }, 180_000);

  it('paths that are not valid percent-encoding: 400 MALFORMED_URL with credentials, never a 5xx without', async () => {
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

  it('afterwards: the server is alive, no prototype is polluted, and the guarded session is exactly as it was', async () => {
    const health = await ctx.server.api.get('/healthz');
    expect(health.status).toBe(200);
    expect((await ctx.server.api.get('/readyz')).status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // Only its own timers may have moved it (a long run can outlast the session's lifetime); no request did.
    const before = guardedBefore;
    const after = await guardedState();
    expect(after.log.slice(0, before.log.length)).toEqual(before.log);
    const added = after.log.slice(before.log.length);
    expect(added.filter((entry) => !String(entry.payload.type).startsWith('xstate.after.'))).toEqual([]);
    if (added.length === 0) expect(after.view).toEqual(before.view);
  });
});
