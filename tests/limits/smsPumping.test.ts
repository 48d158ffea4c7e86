import { describe, expect, it } from 'vitest';
import { androidScheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';
import { capturingLogger, enterNumber, metricValue } from './support.js';

const log = capturingLogger();
const ctx = useTestServer({ env: { SMS_SENDS_PER_PREFIX_PER_HOUR: '10', SMS_DAILY_BUDGET_PER_SCHEME: '25' }, overrides: { logger: log.logger } });

async function smsCount(numbers: string[]): Promise<number> {
  let count = 0;
  for (const number of numbers) count += (await ctx.flow.smsMessages(number)).length;
  return count;
}

describe('an SMS-pumping run', () => {
  it('over one number prefix stops sending at the prefix limit, answering every session alike (no 429, no tell)', async () => {
    const authToken = await ctx.flow.authToken();
    const numbers = Array.from({ length: 100 }, (_, i) => `138001380${String(i).padStart(2, '0')}`);
    const answers = [];
    for (const number of numbers) answers.push(await enterNumber(ctx, authToken, number));

    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(await smsCount(numbers)).toBe(10);
    // Every session waits for a code as if it had been sent: the pumper cannot tell that 90 of them got none.
    expect(new Set(answers.map((a) => a.body.nextAction.type))).toEqual(new Set(['smsCode']));
    expect(await metricValue(ctx, 'numberflow_rate_limited_total{limit="smsPrefix"}')).toBe(90);

    const refusals = log.lines.filter((l) => l.msg === 'SMS send refused by an abuse limit' && l.limit === 'smsPrefix');
    expect(refusals).toHaveLength(90);
    expect(refusals[0]).toMatchObject({ phoneNumber: '138****8010', schemeCode: androidScheme.code });
    expect(JSON.stringify(log.lines)).not.toContain('13800138010');

    // The operator's trace says which limit stopped the SMS; the client's view does not.
    const limited = answers[10]!.body;
    expect(JSON.stringify(limited)).not.toMatch(/smsPrefix|limit/i);
    const trace = await ctx.server.api.get(`/v1/admin/sessions/${limited.id}/trace`, 'admin');
    expect(trace.body.entries.map((e: { payload: Record<string, unknown> }) => e.payload)).toContainEqual(
      expect.objectContaining({ type: 'SMS_SENT', suppressed: 'smsPrefix' }),
    );
  });

  it('over many prefixes stops at the daily budget of the scheme, with a metric and one warning', async () => {
    const authToken = await ctx.flow.authToken();
    // One number in each of 30 prefixes: the prefix limit never bites. The first test spent 10 of the 25.
    const numbers = Array.from({ length: 30 }, (_, i) => `1390${String(i).padStart(3, '0')}0000`);
    const answers = [];
    for (const number of numbers) answers.push(await enterNumber(ctx, authToken, number));

    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(await smsCount(numbers)).toBe(15);
    expect(await metricValue(ctx, `numberflow_sms_budget_exhausted_total{scheme="${androidScheme.code}"}`)).toBe(1);
    expect(await metricValue(ctx, 'numberflow_rate_limited_total{limit="smsBudget"}')).toBe(15);
    const warnings = log.lines.filter((l) => l.level === 40 && l.scheme === androidScheme.code);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/budget/);

    // Spent for the whole UTC day: a number in a new prefix gets nothing either.
    await enterNumber(ctx, authToken, '13511112222');
    expect(await ctx.flow.smsMessages('13511112222')).toHaveLength(0);
    // The next UTC day has a new budget.
    ctx.server.clock.advanceSeconds(86_400);
    const nextDay = await enterNumber(ctx, await ctx.flow.authToken(), '13511113333');
    expect(nextDay.body.nextAction.type).toBe('smsCode');
    expect(await ctx.flow.smsMessages('13511113333')).toHaveLength(1);
  });
});
