import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/useTestServer.js';

const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const ctx = useTestServer({ overrides: { logger: pino({ level: 'info' }, capture) } });

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
  });
});
