import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { SessionEvent, SessionInput } from '../../machines/index.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

/** Replays the stored log through the pure machine: it must arrive exactly where the store says the session is. */
async function expectLogReplaysToStoredState(sessionId: string) {
  const { engine } = ctx.server.numberflow.services;
  const stored = await engine.load(sessionId);
  const entries = await engine.log(sessionId);
  expect(entries.map((e) => e.version)).toEqual(entries.map((_, i) => i + 1)); // no gaps, no duplicates
  expect(entries.at(-1)!.version).toBe(stored!.record.version);
  const machine = stored!.machine.machine;
  let [snapshot] = initialTransition(machine, (entries[0]!.payload as { input: SessionInput }).input);
  for (const entry of entries.slice(1).filter((e) => e.kind === 'event')) {
    [snapshot] = transition(machine, snapshot, entry.payload as unknown as SessionEvent);
    expect(snapshot.value).toEqual(entry.state);
  }
  expect(snapshot.value).toEqual(stored!.snapshot.value);
  const { verifyToken: _replayed, ...replayedContext } = snapshot.context as unknown as Record<string, unknown>;
  const { verifyToken: _stored, ...storedContext } = stored!.snapshot.context as unknown as Record<string, unknown>;
  expect(replayedContext).toEqual(storedContext);
}

describe('parallel events on one session', () => {
  it('30 racing wrong codes: one winner per version, every accepted try counted once', async () => {
    const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber: '13500000001' });
    const session = await ctx.flow.openOk(authToken, '100003');
    const code = await ctx.flow.latestSmsCode('13500000001');
    const wrong = code === '000000' ? '111111' : '000000';

    const responses = await Promise.all(Array.from({ length: 30 }, () => ctx.flow.send(authToken, session.id, { type: 'SMS_CODE', code: wrong })));
    const accepted = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status !== 200);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(5);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(['VERSION_CONFLICT', 'SESSION_FINISHED', 'EVENT_NOT_ACCEPTED']).toContain(r.body.error.code);
    }
    const versions = accepted.map((r) => r.body.version as number);
    expect(new Set(versions).size).toBe(versions.length);

    const final = await ctx.flow.get(authToken, session.id);
    const { engine } = ctx.server.numberflow.services;
    const context = (await engine.load(session.id))!.snapshot.context as { smsWrongTries: number };
    expect(context.smsWrongTries).toBe(accepted.length);
    // Every accepted code is one event in the log (a failed session's webhook may add an effect entry after them).
    const events = (await engine.log(session.id)).filter((entry) => entry.kind === 'event' && entry.version > session.version);
    expect(events).toHaveLength(accepted.length);
    expect(events.map((entry) => entry.version)).toEqual(accepted.map((_, i) => session.version + i + 1));
    expect(final.body.version).toBeGreaterThanOrEqual(session.version + accepted.length);
    await expectLogReplaysToStoredState(session.id);
  });

  it('racing numbers on one session: exactly one wins, and only that number gets a code', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100004');
    const numbers = Array.from({ length: 12 }, (_, i) => `1350000${String(100 + i).padStart(4, '0')}`);
    const responses = await Promise.all(numbers.map((phoneNumber) => ctx.flow.send(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber })));
    const winners = responses.map((r, i) => ({ r, phoneNumber: numbers[i]! })).filter(({ r }) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of responses.filter((r) => r.status !== 200)) expect(r.status).toBe(409);

    const sent = await Promise.all(numbers.map(async (n) => (await ctx.flow.smsMessages(n)).length));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(sent[numbers.indexOf(winners[0]!.phoneNumber)]).toBe(1);
    await expectLogReplaysToStoredState(session.id);
  });

  it('racing verify-token exchanges: the number goes out once', async () => {
    const authToken = await ctx.flow.authToken();
    const session = await ctx.flow.openOk(authToken, '100001');
    const done = await ctx.flow.sendOk(authToken, session.id, { type: 'NUMBER_AUTH_TOKEN', accessToken: await ctx.flow.carrierToken('13500000002') });
    const responses = await Promise.all(Array.from({ length: 20 }, () => ctx.flow.verify(done.verifyToken)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 404)).toHaveLength(19);
  });
});
