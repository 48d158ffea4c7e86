import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../machines/index.js';
import { earliestDueOf } from '../../machines/timerEvents.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { until } from '../support/until.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer({ env: { TIMER_DRAIN_INTERVAL_MS: '100' } });

describe('durable timers: due times in the session record and its bucket index, drained by one repeatable job', () => {
  it('entering a state indexes its earliest timer; leaving it moves the index on; a stale delivery changes nothing', async () => {
    const { storage, engine } = ctx.server.numberflow.services;
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const record = (await storage.sessions.load(session.id))!;
    // The session TTL and the number-auth fallback; the fallback falls due first.
    expect(Object.keys(record.timers)).toHaveLength(2);
    const fallbackDue = earliestDueOf(record.timers)!;
    expect(await storage.sessions.dueSessions(fallbackDue - 1, 100)).not.toContain(session.id);
    expect(await storage.sessions.dueSessions(fallbackDue, 100)).toContain(session.id);

    const moved = await ctx.flow.sendOk(authToken, session.id, { type: 'SWITCH_TO_SMS' });
    expect(moved.nextAction.type).toBe('enterPhone');
    const after = (await storage.sessions.load(session.id))!;
    expect(Object.keys(after.timers)).toEqual(['xstate.after.sessionTtl.session']);
    expect(await storage.sessions.dueSessions(Date.parse(session.expiresAt) - 1, 100)).not.toContain(session.id);

    // A delivery that comes late or after its state was left finds nothing due.
    await engine.deliverTimers(session.id);
    expect((await ctx.flow.get(authToken, session.id)).body).toMatchObject({ version: moved.version, state: 'proveNumber.enterPhone' });
  });

  it('delivers a due timer with nobody reading the session, and forgets the session once it is finished', async () => {
    const { storage, policies } = ctx.server.numberflow.services;
    const scheme = { ...androidScheme, code: 'FA810000000000001' };
    expect((await ctx.server.api.post('/v1/admin/schemes', scheme, 'admin')).status).toBe(201);
    const policy = defaultPolicy('100001');
    policy.nodes.numberAuth.fallbackAfterSeconds = 1;
    await policies.setSchemePolicy(scheme.code, policy, '100001');
    const authToken = await ctx.flow.authToken(scheme);
    const session = await ctx.flow.openOk(authToken, '100001');
    expect(session.nextAction.type).toBe('numberAuth');

    // Read only the stored record (a client read would deliver the timer itself).
    await until(async () => JSON.stringify((await storage.sessions.load(session.id))?.snapshot.value).includes('enterPhone'), 10_000, 'the fallback');
    const log = await storage.sessions.readLog(session.id);
    expect(log.at(-1)).toMatchObject({ kind: 'event', payload: { type: 'xstate.after.numberAuthFallback.session.proveNumber.numberAuth.awaitingToken' } });

    await ctx.flow.sendOk(authToken, session.id, { type: 'CANCEL' });
    expect(await storage.sessions.dueSessions(Number.MAX_SAFE_INTEGER, 10_000)).not.toContain(session.id);
  });
});
