import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { useTestServer } from '../support/useTestServer.js';

const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const ctx = useTestServer({ env: { TIMER_DRAIN_INTERVAL_MS: '100' }, overrides: { logger: pino({ level: 'info' }, capture) } });

describe("the scene's logging switch", () => {
  it('logs each finished session with the number masked; switched off, it logs none', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13800000901') });
    const finished = lines.filter((line) => line.msg === 'session finished');
    expect(finished).toEqual([
      expect.objectContaining({ sessionId: session.id, sceneCode: '100001', status: 'verified', method: 'numberAuth', phoneNumber: '138****0901' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('13800000901');

    const off = await ctx.server.api.request('PUT', '/v1/admin/policies/100001/logging', { body: { enabled: false }, auth: 'admin' });
    expect(off.status).toBe(200);
    const quiet = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, quiet.id, { type: 'CANCEL' });
    expect(lines.filter((line) => line.msg === 'session finished' && line.sessionId === quiet.id)).toEqual([]);
    expect((await ctx.server.api.request('PUT', '/v1/admin/policies/100001/logging', { body: { enabled: true }, auth: 'admin' })).status).toBe(200);
  });

  it('switched off, the sessions that start keep no trace for operators, even once it is on again; replay and their event log stay', async () => {
    const authToken = await ctx.flow.authToken();
    await ctx.server.api.request('PUT', '/v1/admin/policies/100001/logging', { body: { enabled: false }, auth: 'admin' });
    const untraced = await ctx.flow.openOk(authToken, '100001');
    await ctx.flow.sendOk(authToken, untraced.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13800000902') });
    // A session of another scene is not affected.
    const other = await ctx.flow.openOk(authToken, '100004');
    await ctx.server.api.request('PUT', '/v1/admin/policies/100001/logging', { body: { enabled: true }, auth: 'admin' });

    for (const view of ['trace', 'chart', 'timeline', 'recording', 'live']) {
      const refused = await ctx.server.api.get(`/v1/admin/sessions/${untraced.id}/${view}`, 'admin');
      expect(refused.status, view).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'SESSION_LOGGING_OFF', details: { sceneCode: '100001' } });
      expect(refused.body.error.message).toContain('logging of scene 100001 was off');
    }
    expect((await ctx.server.api.get(`/v1/admin/sessions/${other.id}/trace`, 'admin')).status).toBe(200);
    await ctx.flow.sendOk(authToken, other.id, { type: 'CANCEL' });
    expect((await ctx.server.api.get(`/v1/admin/sessions/${untraced.id}`, 'admin')).body).toMatchObject({ status: 'verified', traced: false });
    const listed = (await ctx.server.api.get('/v1/admin/sessions', 'admin')).body.sessions;
    expect(listed.find((s: { id: string }) => s.id === untraced.id)).toMatchObject({ traced: false });
    expect(listed.find((s: { id: string }) => s.id === other.id)).toMatchObject({ traced: true });
    // The event log is the durable record: replay still runs it, step for step.
    const replay = await ctx.server.api.post(`/v1/admin/sessions/${untraced.id}/replay`, {}, 'admin');
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ mode: 'replay', matches: true, finalStatus: 'verified' });
    expect(lines.filter((line) => line.msg === 'session finished' && line.sessionId === untraced.id)).toEqual([]);
  });

  it('a session keeps the switch it started with: one started while on keeps its trace and outcome line when logging goes off before it ends', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    await ctx.server.api.request('PUT', '/v1/admin/policies/100001/logging', { body: { enabled: false }, auth: 'admin' });
    await ctx.flow.sendOk(authToken, session.id, { type: 'CANCEL' });
    await ctx.server.api.request('PUT', '/v1/admin/policies/100001/logging', { body: { enabled: true }, auth: 'admin' });
    expect(lines.filter((line) => line.msg === 'session finished' && line.sessionId === session.id)).toEqual([
      expect.objectContaining({ status: 'failed', sceneCode: '100001' }),
    ]);
    expect((await ctx.server.api.get(`/v1/admin/sessions/${session.id}/trace`, 'admin')).status).toBe(200);
  });

  it('a session that ends by a timer, with nobody reading it, is logged and counted like any other', async () => {
    const finishedCount = async () =>
      Number(/numberflow_sessions_finished_total\{scene="100004",status="expired"\} (\d+)/.exec((await ctx.server.api.get('/metrics')).body)?.[1] ?? 0);
    const before = await finishedCount();
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100004');
    // Past the session's TTL: the timer drain ends it.
    ctx.server.clock.advanceSeconds(601);
    await until(async () => lines.some((line) => line.msg === 'session finished' && line.sessionId === session.id), 10_000, 'the outcome line');
    expect(lines.find((line) => line.msg === 'session finished' && line.sessionId === session.id)).toMatchObject({ status: 'expired', sceneCode: '100004' });
    expect(await finishedCount()).toBe(before + 1);
  });
});
