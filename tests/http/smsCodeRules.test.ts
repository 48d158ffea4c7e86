import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createRedisClient } from '../../server/stores/redis/redisClient.js';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { scanKeys } from '../support/redisCluster.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer();

/** A reset-password session: the code goes to the bound number at once. */
async function sessionWithCode(phoneNumber: string) {
  const authToken = await ctx.flow.authToken(androidScheme, { phoneNumber });
  const session = await ctx.flow.openOk(authToken, '100003');
  expect(session.nextAction.type).toBe('smsCode');
  return { authToken, session, code: await ctx.flow.latestSmsCode(phoneNumber) };
}

function wrongCodeFor(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

describe('SMS code rules over HTTP on Redis', () => {
  it('locks the session after five wrong codes; even the right code is refused then', async () => {
    const { authToken, session, code } = await sessionWithCode('13600000001');
    for (let attempt = 1; attempt <= 4; attempt++) {
      const wrong = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: wrongCodeFor(code) });
      expect(wrong).toMatchObject({ status: 'pending', nextAction: { type: 'smsCode', lastResult: 'WRONG' } });
    }
    const fifth = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: wrongCodeFor(code) });
    expect(fifth).toMatchObject({ status: 'failed', failureReason: 'too_many_wrong_codes' });
    const late = await ctx.flow.send(authToken, session.id, { type: 'SMS_CODE', code });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('SESSION_FINISHED');
  });

  it('refuses a resend before the interval with the time it is allowed, and allows it after', async () => {
    const { authToken, session, code } = await sessionWithCode('13600000002');
    const early = await ctx.flow.send(authToken, session.id, { type: 'RESEND_SMS' });
    expect(early.status).toBe(429);
    expect(early.body.error.code).toBe('RESEND_TOO_EARLY');
    expect(early.body.error.details.resendAvailableAt).toBe(session.nextAction.resendAvailableAt);
    const retryAfter = Number(early.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);

    ctx.server.clock.advanceSeconds(61);
    const resent = await ctx.flow.sendOk(authToken, session.id, { type: 'RESEND_SMS' });
    expect(resent.nextAction).toMatchObject({ type: 'smsCode', sendsLeft: 3 });
    const newCode = await ctx.flow.latestSmsCode('13600000002');
    expect((await ctx.flow.smsMessages('13600000002')).length).toBe(2);
    if (newCode !== code) {
      const old = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
      expect(old.nextAction.lastResult).toBe('WRONG'); // a new code replaces the old one: the old one is just wrong now
    }
    expect((await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: newCode })).status).toBe('verified');
  });

  it('a code that outlived its validity no longer verifies; a new one does', async () => {
    const { authToken, session, code } = await sessionWithCode('13600000003');
    ctx.server.clock.advanceSeconds(301);
    const expired = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
    expect(expired).toMatchObject({
      status: 'pending',
      state: 'proveBoundNumber.sms.codeExpired',
      nextAction: { type: 'smsCode', lastResult: 'EXPIRED', codeExpiresAt: null },
    });
    await ctx.flow.sendOk(authToken, session.id, { type: 'RESEND_SMS' });
    const done = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code: await ctx.flow.latestSmsCode('13600000003') });
    expect(done.status).toBe('verified');
  });

  it('a code is single use and bound to its session', async () => {
    const first = await sessionWithCode('13600000004');
    ctx.server.clock.advanceSeconds(61);
    const second = await sessionWithCode('13600000004');
    // The first session's code does not open the second session.
    const crossed = await ctx.flow.sendOk(second.authToken, second.session.id, {
      type: 'SMS_CODE',
      code: first.code === second.code ? wrongCodeFor(first.code) : first.code,
    });
    expect(crossed.nextAction.lastResult).toBe('WRONG');
    expect((await ctx.flow.sendOk(first.authToken, first.session.id, { type: 'SMS_CODE', code: first.code })).status).toBe('verified');
  });

  it('stops sending after the maximum number of codes per session', async () => {
    const { authToken, session } = await sessionWithCode('13600000005');
    for (let sent = 1; sent < 5; sent++) {
      ctx.server.clock.advanceSeconds(61);
      await ctx.flow.sendOk(authToken, session.id, { type: 'RESEND_SMS' });
    }
    ctx.server.clock.advanceSeconds(61);
    const sixth = await ctx.flow.send(authToken, session.id, { type: 'RESEND_SMS' });
    expect(sixth.status).toBe(409);
    expect(sixth.body.error.code).toBe('SMS_SEND_LIMIT');
    expect((await ctx.flow.smsMessages('13600000005')).length).toBe(5);
    // With no code left to send, an expired code ends the session instead of leaving it to time out.
    ctx.server.clock.advanceSeconds(301);
    expect((await ctx.flow.get(authToken, session.id)).body).toMatchObject({ status: 'failed', failureReason: 'sms_sends_exhausted' });
  });

  it('an expired session says so: GET shows expired, events get 410', async () => {
    const { authToken, session, code } = await sessionWithCode('13600000006');
    ctx.server.clock.advanceSeconds(601);
    const view = await ctx.flow.get(authToken, session.id);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'expired', state: 'expired', nextAction: { type: 'none' } });
    const late = await ctx.flow.send(authToken, session.id, { type: 'SMS_CODE', code });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('an unused verify token stops working after its TTL', async () => {
    const { authToken, session, code } = await sessionWithCode('13600000007');
    const done = await ctx.flow.sendOk(authToken, session.id, { type: 'SMS_CODE', code });
    expect(done.status).toBe('verified');
    const ttlMs = await ctx.server.numberflow.services.storage.kv.ttlMs(`verify-token:${createHash('sha256').update(done.verifyToken).digest('hex')}`);
    expect(ttlMs).toBeGreaterThan(590_000);
    expect(ttlMs).toBeLessThanOrEqual(600_000);
  });

  it('never keeps the plain code: the stored SMS state has only digests', async () => {
    const { code } = await sessionWithCode('13600000008');
    // One server or a cluster (then the keys are spread over its masters).
    const client = createRedisClient(inject('redisUrl'));
    try {
      const keys = await scanKeys(client, `${ctx.server.keyPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const type = await client.type(key);
        const value =
          type === 'string'
            ? await client.get(key)
            : type === 'hash'
              ? JSON.stringify(await client.hgetall(key))
              : type === 'list'
                ? JSON.stringify(await client.lrange(key, 0, -1))
                : type === 'stream'
                  ? JSON.stringify(await client.xrange(key, '-', '+'))
                  : '';
        // The simulator's outbox is the user's phone: the code is meant to be there, and nowhere else.
        if (!key.includes('outbox')) expect(value ?? '', key).not.toContain(code);
      }
    } finally {
      client.disconnect();
    }
  });
});
