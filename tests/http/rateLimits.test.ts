import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

const ctx = useTestServer({
  env: { RATE_LIMIT_SESSION_STARTS_PER_IP: '4', RATE_LIMIT_CODE_CHECKS_PER_NUMBER: '6', RATE_LIMIT_BACKEND_CALLS_PER_IP: '8' },
});

describe('rate limits answer 429 with Retry-After and change nothing', () => {
  it('caps SMS code checks per number across sessions, so a code cannot be guessed by opening new sessions', async () => {
    const phoneNumber = '13300000001';
    const tokenA = await ctx.flow.authToken(androidScheme, { phoneNumber });
    const first = await ctx.flow.openOk(tokenA, '100003');
    for (let i = 0; i < 4; i++)
      await ctx.flow.sendOk(tokenA, first.id, { type: 'SMS_CODE', code: '000000' === (await ctx.flow.latestSmsCode(phoneNumber)) ? '111111' : '000000' });

    ctx.server.clock.advanceSeconds(61);
    const tokenB = await ctx.flow.authToken(androidScheme, { phoneNumber });
    const second = await ctx.flow.openOk(tokenB, '100003');
    const code = await ctx.flow.latestSmsCode(phoneNumber);
    const wrong = code === '000000' ? '111111' : '000000';
    await ctx.flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code: wrong });
    await ctx.flow.sendOk(tokenB, second.id, { type: 'SMS_CODE', code: wrong });
    const limited = await ctx.flow.send(tokenB, second.id, { type: 'SMS_CODE', code });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // The first lock lasts a minute (it grows if the checks run out again; see tests/limits/codeCheckLock.test.ts).
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const unchanged = await ctx.flow.get(tokenB, second.id);
    expect(unchanged.body).toMatchObject({ status: 'pending', version: second.version + 2 });
  });

  it('caps session starts per client IP', async () => {
    const authToken = await ctx.flow.authToken();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await ctx.flow.open(authToken, '100004')).status);
    const refused = await ctx.flow.open(authToken, '100004');
    // Two sessions were opened by the first test: 4 per minute in all.
    expect([...statuses, refused.status]).toEqual([201, 201, 429, 429]);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('caps app backend calls per client IP', async () => {
    const responses = [];
    for (let i = 0; i < 6; i++) responses.push(await ctx.server.api.post('/v1/fusion-auth/verify', { verifyToken: 'vt_unknown' }, 'accessKey'));
    expect(responses.map((r) => r.status)).toContain(429);
    expect(responses.at(-1)!.headers.get('retry-after')).not.toBeNull();
  });
});
