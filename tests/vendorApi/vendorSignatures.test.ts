import * as $D from '@alicloud/dypnsapi20170525';
import { ClientError, ThrottlingError } from '@alicloud/openapi-core';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dypnsClient, signedV1Params, thrown } from '../support/dypnsSdk.js';
import { startTestServer, testCredentials, type TestServer } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';

/** How the endpoint refuses requests the vendor's gateway would refuse, each with the vendor's code and status. */
const ctx = useTestServer();
const operatorKey = { accessKeyId: testCredentials.accessKeyId, accessKeySecret: testCredentials.accessKeySecret };
const endpoint = () => ctx.server.baseUrl.replace('http://', '');
const getMobile = (accessToken = 'any-token') => new $D.GetMobileRequest({ accessToken });

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A pass-through proxy in front of numberflow that keeps each request byte for byte, to replay it later. */
let proxy: Server;
let proxyEndpoint: string;
const captured: Captured[] = [];

function send(target: string, request: Captured): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const [host, port] = target.split(':');
    const outgoing = httpRequest({ host, port: Number(port), method: request.method, path: request.url, headers: request.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

beforeAll(async () => {
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const request = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      captured.push(request);
      const answer = await send(endpoint(), request);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyEndpoint = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

describe.each([
  ['ACS3-HMAC-SHA256', false],
  ['HMAC-SHA1', true],
] as const)('requests signed with %s', (_signature, v2) => {
  it('a wrong secret → 400 SignatureDoesNotMatch; an unknown key → 404 InvalidAccessKeyId.NotFound', async () => {
    const wrongSecret = await thrown(() => dypnsClient({ ...operatorKey, accessKeySecret: 'not-the-secret', endpoint: endpoint(), v2 }).getMobile(getMobile()));
    expect(wrongSecret).toBeInstanceOf(ClientError);
    expect(wrongSecret).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    const unknownKey = await thrown(() => dypnsClient({ accessKeyId: 'NFNOSUCHKEY01', accessKeySecret: 'x', endpoint: endpoint(), v2 }).getMobile(getMobile()));
    expect(unknownKey).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
  });

  it('a disabled key → 400 InvalidAccessKeyId.Inactive; enabled again, it works', async () => {
    const created = (await ctx.server.api.post('/v1/admin/access-keys', {}, 'admin')).body;
    const key = { accessKeyId: created.id, accessKeySecret: created.secret };
    await ctx.server.api.post(`/v1/admin/access-keys/${key.accessKeyId}/disable`, {}, 'admin');
    expect(await thrown(() => dypnsClient({ ...key, endpoint: endpoint(), v2 }).getMobile(getMobile()))).toMatchObject({
      code: 'InvalidAccessKeyId.Inactive',
      statusCode: 400,
    });
    await ctx.server.api.post(`/v1/admin/access-keys/${key.accessKeyId}/enable`, {}, 'admin');
    expect((await dypnsClient({ ...key, endpoint: endpoint(), v2 }).getMobile(getMobile())).body?.code).toBe('isv.TOKEN_INVALID');
  });

  it('a replayed request → 400 SignatureNonceUsed, and it did nothing the second time', async () => {
    const accessToken = await ctx.flow.carrierToken('13900200001');
    captured.length = 0;
    const first = await dypnsClient({ ...operatorKey, endpoint: proxyEndpoint, v2 }).getMobile(getMobile(accessToken));
    expect(first.body?.getMobileResultDTO?.mobile).toBe('13900200001');
    const replay = await send(endpoint(), captured[0]!);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ Code: 'SignatureNonceUsed', RequestId: expect.any(String), Message: expect.any(String) });
  });

  it('a request changed after signing → 400 SignatureDoesNotMatch', async () => {
    captured.length = 0;
    await dypnsClient({ ...operatorKey, endpoint: proxyEndpoint, v2 }).getMobile(getMobile('token-one'));
    const original = captured[0]!;
    const tampered = { ...original, url: original.url.replace('token-one', 'token-two') };
    const answer = await send(endpoint(), tampered);
    expect(answer).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
  });

  it('a signed time outside the 15-minute window → 400 InvalidTimeStamp.Expired, either way', async () => {
    for (const seconds of [16 * 60, -16 * 60]) {
      ctx.server.clock.advanceSeconds(seconds);
      try {
        const error = await thrown(() => dypnsClient({ ...operatorKey, endpoint: endpoint(), v2 }).getMobile(getMobile()));
        expect(error).toBeInstanceOf(ClientError);
        expect(error).toMatchObject({ code: 'InvalidTimeStamp.Expired', statusCode: 400 });
      } finally {
        ctx.server.clock.advanceSeconds(-seconds);
      }
    }
    // Within the window is fine.
    ctx.server.clock.advanceSeconds(10 * 60);
    try {
      expect((await dypnsClient({ ...operatorKey, endpoint: endpoint(), v2 }).getMobile(getMobile())).body?.code).toBe('isv.TOKEN_INVALID');
    } finally {
      ctx.server.clock.advanceSeconds(-10 * 60);
    }
  });
});

describe('raw requests', () => {
  const api = () => ctx.server.api;

  it('unsigned → 400 MissingSignature; no action → 400 MissingAction; another version → 400 InvalidVersion; an unknown action → 404', async () => {
    expect(await api().request('POST', '/?Action=GetMobile&AccessToken=x')).toMatchObject({ status: 400, body: { Code: 'MissingSignature' } });
    expect(await api().request('POST', '/')).toMatchObject({ status: 400, body: { Code: 'MissingAction' } });
    const oldVersion = signedV1Params('POST', 'GetMobile', { AccessToken: 'x', Version: '2016-01-01' }, operatorKey);
    expect(await api().request('POST', `/?${new URLSearchParams(oldVersion)}`)).toMatchObject({ status: 400, body: { Code: 'InvalidVersion' } });
    const unknown = signedV1Params('POST', 'DeleteEverything', {}, operatorKey);
    expect(await api().request('POST', `/?${new URLSearchParams(unknown)}`)).toMatchObject({ status: 404, body: { Code: 'InvalidAction.NotFound' } });
    const inherited = signedV1Params('POST', 'constructor', {}, operatorKey);
    expect(await api().request('POST', `/?${new URLSearchParams(inherited)}`)).toMatchObject({ status: 404, body: { Code: 'InvalidAction.NotFound' } });
  });

  it('an unsigned x-acs-action header cannot change the action a HMAC-SHA1 request signed (400 IncompleteSignature)', async () => {
    const created = await ctx.server.api.post('/v1/admin/schemes', { name: 'kept', platform: 'iOS', bundleId: 'com.example.kept' }, 'admin');
    const code = created.body.code as string;
    const describe = signedV1Params('POST', 'DescribeVerifyScheme', { SchemeCode: code }, operatorKey);
    const hijacked = await api().request('POST', `/?${new URLSearchParams(describe)}`, { headers: { 'x-acs-action': 'DeleteVerifyScheme' } });
    expect(hijacked).toMatchObject({ status: 400, body: { Code: 'IncompleteSignature' } });
    const otherVersion = signedV1Params('POST', 'DescribeVerifyScheme', { SchemeCode: code }, operatorKey);
    expect(await api().request('POST', `/?${new URLSearchParams(otherVersion)}`, { headers: { 'x-acs-version': '2016-01-01' } })).toMatchObject({
      status: 400,
    });
    expect((await api().get(`/v1/admin/schemes/${code}`, 'admin')).status).toBe(200);
    const honest = signedV1Params('POST', 'DescribeVerifyScheme', { SchemeCode: code }, operatorKey);
    expect(await api().request('POST', `/?${new URLSearchParams(honest)}`, { headers: { 'x-acs-action': 'DescribeVerifyScheme' } })).toMatchObject({
      status: 200,
      body: { Code: 'OK' },
    });
  });

  it('GET with the query, and POST with a form body, are answered like the SDK’s POST', async () => {
    const viaGet = signedV1Params('GET', 'GetMobile', { AccessToken: await ctx.flow.carrierToken('13900200011') }, operatorKey);
    const get = await api().request('GET', `/?${new URLSearchParams(viaGet)}`);
    expect(get).toMatchObject({ status: 200, body: { Code: 'OK', GetMobileResultDTO: { Mobile: '13900200011' } } });
    expect(get.headers.get('x-acs-request-id')).toBe(get.body.RequestId);

    const viaForm = signedV1Params('POST', 'GetMobile', { AccessToken: await ctx.flow.carrierToken('13900200012') }, operatorKey);
    const form = await api().request('POST', '/', {
      rawBody: new URLSearchParams(viaForm).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 200, body: { Code: 'OK', GetMobileResultDTO: { Mobile: '13900200012' } } });
  });

  it('a malformed timestamp, a body over 16 kB and garbage signatures are 4xx in the vendor shape, never 500', async () => {
    const badTime = signedV1Params('POST', 'GetMobile', { AccessToken: 'x' }, operatorKey);
    badTime.Timestamp = 'yesterday';
    expect(await api().request('POST', `/?${new URLSearchParams(badTime)}`)).toMatchObject({ status: 400, body: { Code: 'InvalidTimeStamp.Format' } });
    const big = await api().request('POST', '/?Action=GetMobile', {
      rawBody: 'x'.repeat(20_000),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(big).toMatchObject({ status: 413, body: { Code: 'RequestEntityTooLarge' } });
    for (const authorization of ['ACS3-HMAC-SHA256 nonsense', 'Basic abc', 'ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=' + '0'.repeat(64)]) {
      const answer = await api().request('POST', '/?AccessToken=x', { headers: { authorization, 'x-acs-action': 'GetMobile' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ Code: 'IncompleteSignature', RequestId: expect.any(String) });
      expect(JSON.stringify(answer.body)).not.toMatch(/at \w+ \(|node_modules/);
    }
  });
});

describe('throttling', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ store: 'memory', env: { RATE_LIMIT_BACKEND_CALLS_PER_IP: '3' } });
  });
  afterAll(() => limited.close());

  it('beyond the per-IP limit the SDK raises ThrottlingError (Throttling.User) and Retry-After says when to come back', async () => {
    const client = dypnsClient({ ...operatorKey, endpoint: limited.baseUrl.replace('http://', '') });
    for (let i = 0; i < 3; i++) expect((await client.getMobile(getMobile())).body?.code).toBe('isv.TOKEN_INVALID');
    const error = await thrown(() => client.getMobile(getMobile()));
    expect(error).toBeInstanceOf(ThrottlingError);
    expect(error).toMatchObject({ code: 'Throttling.User' });
    // The SDK reads x-acs-retry-after (milliseconds) into retryAfter.
    expect(error.retryAfter).toBeGreaterThan(0);
    const raw = await limited.api.request('POST', '/?Action=GetMobile');
    expect(raw.body).toMatchObject({ Code: 'Throttling.User' });
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('a browser at the root', () => {
  it('is sent to the API reference; a JSON client gets the vendor error', async () => {
    const page = await fetch(`${ctx.server.baseUrl}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/docs');
    expect(await ctx.server.api.request('GET', '/', { headers: { accept: 'application/json' } })).toMatchObject({
      status: 400,
      body: { Code: 'MissingAction' },
    });
  });
});
