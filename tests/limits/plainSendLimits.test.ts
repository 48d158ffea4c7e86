import { describe, expect, it } from 'vitest';
import { testCredentials } from '../support/testServer.js';
import { useTestServer } from '../support/useTestServer.js';
import { metricValue } from './support.js';

const ctx = useTestServer({ env: { SMS_SENDS_PER_PREFIX_PER_HOUR: '3', SMS_DAILY_BUDGET_PER_SCHEME: '6', SMS_DAILY_CAP_PER_NUMBER: '2' } });

const sendCode = (phoneNumber: string) => ctx.server.api.post('/v1/sms-verification/send-code', { phoneNumber, resendIntervalSeconds: 0 }, 'accessKey');

describe('the plain send-code endpoint answers 429 with Retry-After at the abuse limits', () => {
  it('refuses a number outside the country allow-list like a limit, and sends nothing', async () => {
    for (const number of ['+12025550123', '+447911123456']) {
      const refused = await sendCode(number);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('SMS_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // The simulator's HTTP outbox shows mainland numbers only: read it directly.
      expect(await ctx.server.numberflow.services.simulator!.outbox.messagesTo(number)).toHaveLength(0);
    }
    expect(await metricValue(ctx, 'numberflow_rate_limited_total{limit="smsCountry"}')).toBe(2);
  });

  it('stops at the per-number daily cap', async () => {
    expect((await sendCode('13600000001')).status).toBe(200);
    expect((await sendCode('13600000001')).status).toBe(200);
    const refused = await sendCode('13600000001');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('SMS_DAILY_LIMIT');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await ctx.flow.smsMessages('13600000001')).toHaveLength(2);
    expect(await metricValue(ctx, 'numberflow_rate_limited_total{limit="smsPerNumberDaily"}')).toBe(1);
  });

  it('stops at the prefix limit per hour; the refused sends counted nothing', async () => {
    // 1360000 has had 2 sends (the daily cap refusal gave its point back): one more is allowed.
    expect((await sendCode('13600000002')).status).toBe(200);
    const refused = await sendCode('13600000003');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('SMS_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await ctx.flow.smsMessages('13600000003')).toHaveLength(0);
  });

  it('stops at the daily budget of the access key, with the same answer, until the next UTC day', async () => {
    // 3 sent so far: 3 more in other prefixes, then the budget is spent.
    for (const number of ['13700000001', '13700010001', '13700020001']) expect((await sendCode(number)).status).toBe(200);
    const refused = await sendCode('13700030001');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'SMS_LIMITED', message: 'no code can be sent to this number now' });
    const now = ctx.server.clock.now();
    const untilMidnight = Math.ceil((86_400_000 - (now % 86_400_000)) / 1000);
    // The server read its clock a moment earlier: at most a second more.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(untilMidnight);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(untilMidnight + 1);
    expect(await metricValue(ctx, `numberflow_sms_budget_exhausted_total{scheme="plain:${testCredentials.accessKeyId}"}`)).toBe(1);
    // Another schemeName is no way around it.
    const other = await ctx.server.api.post('/v1/sms-verification/send-code', { phoneNumber: '13700040001', schemeName: 'other' }, 'accessKey');
    expect(other.status).toBe(429);
  });
});
