import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { useTestServer } from '../support/useTestServer.js';

/** Every answer carries `X-Request-Id`; every log line of that request carries it as `reqId`. */
const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const ctx = useTestServer({ overrides: { logger: pino({ level: 'debug' }, capture) } });

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  it('is generated for every kind of answer: success, client error, unknown route, the vendor endpoint', async () => {
    const answers = [
      await ctx.server.api.get('/healthz'),
      await ctx.server.api.post('/v1/sessions', { sceneCode: '100001' }),
      await ctx.server.api.request('POST', '/v1/simulator/carrier-token', { rawBody: '{"phoneNumber":' }),
      await ctx.server.api.get('/no/such/route'),
      await ctx.server.api.request('POST', '/', { rawBody: 'Action=GetMobile', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ];
    const ids = answers.map((answer) => answer.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(ids.length);
    // The vendor's RequestId is the same id in the vendor's upper case.
    const vendor = answers.at(-1)!;
    expect(vendor.body.RequestId).toBe(vendor.headers.get('x-request-id')!.toUpperCase());
    expect(vendor.headers.get('x-acs-request-id')).toBe(vendor.body.RequestId);
  });

  it('on the vendor endpoint, a caller id that is not a UUID is kept in X-Request-Id; RequestId stays a vendor UUID', async () => {
    const answer = await ctx.server.api.request('POST', '/', {
      rawBody: 'Action=GetMobile',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'gateway-7' },
    });
    expect(answer.headers.get('x-request-id')).toBe('gateway-7');
    expect(answer.body.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it.each(['abc-123', 'trace.00f067aa0ba902b7:span-1', 'A'.repeat(128)])('a well-formed incoming id (%s) is kept', async (id) => {
    const answer = await ctx.server.api.request('GET', '/v1/admin/schemes', { headers: { 'x-request-id': id } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-request-id')).toBe(id);
  });

  it.each(['', 'A'.repeat(129), 'has space', 'semi;colon', 'quote"', 'slash/es', 'caf\u00e9'])(
    'a malformed incoming id (%j) is replaced by a new one',
    async (id) => {
      const answer = await ctx.server.api.request('GET', '/healthz', { headers: { 'x-request-id': id } });
      expect(answer.headers.get('x-request-id')).toMatch(uuid);
    },
  );

  it("is on every log line of its request: the request log and a route's own lines", async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const accessToken = await ctx.flow.carrierToken('13800000931');
    const id = 'finish-the-session-1';
    const answer = await ctx.server.api.request('POST', `/v1/sessions/${session.id}/events`, {
      body: { type: 'NUMBER_AUTH_TOKEN', accessToken },
      auth: { bearer: authToken },
      headers: { 'x-request-id': id },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('verified');
    // The request log line is written when the answer has gone out, which may be just after the client read it.
    await until(async () => lines.some((line) => line.msg === 'request' && line.reqId === id), 5_000, 'the request log line');
    expect(lines.filter((line) => line.reqId === id).map((line) => line.msg)).toEqual(expect.arrayContaining(['session finished', 'request']));
    expect(lines.filter((line) => line.msg === 'session finished' && line.sessionId === session.id)).toEqual([expect.objectContaining({ reqId: id })]);
    expect(lines.filter((line) => line.msg === 'request' && line.reqId === undefined)).toEqual([]);
  });
});
