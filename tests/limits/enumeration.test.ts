import { androidScheme } from '../support/fusionAuthFlow.js';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/apiClient.js';
import { useTestServer } from '../support/useTestServer.js';
import { enterNumber } from './support.js';

// Per number: 2 SMS a day; per prefix: 3 an hour (prefixes 13x00x0 below are kept apart unless a test means them to share).
const ctx = useTestServer({ env: { SMS_DAILY_CAP_PER_NUMBER: '2', SMS_SENDS_PER_PREFIX_PER_HOUR: '3' } });

let counter = 0;
/** A number in a prefix of its own. */
const freshNumber = () => `150${String(++counter).padStart(4, '0')}1234`;

async function verifiedNumber(authToken: string): Promise<string> {
  const number = freshNumber();
  const answer = await enterNumber(ctx, authToken, number);
  const done = await ctx.flow.sendOk(authToken, answer.body.id, { type: 'SMS_CODE', code: await ctx.flow.latestSmsCode(number) });
  expect(done.status).toBe('verified');
  return number;
}

/** A number that had all its SMS for today (the SMS engine's per-number daily cap). */
async function numberOverDailyCap(authToken: string): Promise<string> {
  const number = freshNumber();
  for (let i = 0; i < 2; i++) expect((await enterNumber(ctx, authToken, number)).body.nextAction.type).toBe('smsCode');
  return number;
}

/** A number whose prefix had all its SMS this hour. */
async function numberOverPrefixLimit(authToken: string): Promise<string> {
  const base = freshNumber().slice(0, 7);
  for (let i = 0; i < 3; i++) await enterNumber(ctx, authToken, `${base}000${i}`);
  return `${base}0009`;
}

/** What an answer shows, with the values that differ per session (ids, times, codes) replaced by their type. */
function shape(response: ApiResponse): unknown {
  const { id, expiresAt, nextAction, ...rest } = response.body;
  const blank = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'type' ? v : typeof v]));
  return { httpStatus: response.status, id: typeof id, expiresAt: typeof expiresAt, nextAction: blank(nextAction), ...rest };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(authToken: string, number: string): Promise<{ answer: ApiResponse; ms: number }> {
  const session = await ctx.flow.openOk(authToken, '100004');
  const started = performance.now();
  const answer = await ctx.flow.send(authToken, session.id, { type: 'PHONE_NUMBER', phoneNumber: number });
  return { answer, ms: performance.now() - started };
}

describe('a client cannot tell from the answer to PHONE_NUMBER what the service knows about a number', () => {
  it('answers a fresh number and an already verified number alike', async () => {
    const authToken = await ctx.flow.authToken();
    const fresh = await enterNumber(ctx, authToken, freshNumber());
    const known = await enterNumber(ctx, authToken, await verifiedNumber(authToken));
    expect(fresh.status).toBe(200);
    expect(shape(known)).toEqual(shape(fresh));
    expect(fresh.body.nextAction.type).toBe('smsCode');
  });

  it('answers a number over its daily cap, over its prefix limit, of a country not allowed and a fresh one alike', async () => {
    const authToken = await ctx.flow.authToken();
    const overCap = await enterNumber(ctx, authToken, await numberOverDailyCap(authToken));
    const overPrefix = await enterNumber(ctx, authToken, await numberOverPrefixLimit(authToken));
    const foreign = await enterNumber(ctx, authToken, '+12025550123');
    const deniedNumber = freshNumber();
    expect(
      (await ctx.server.api.request('PUT', `/v1/admin/schemes/${androidScheme.code}/phone-lists`, { body: { deny: [deniedNumber], allow: [] }, auth: 'admin' }))
        .status,
    ).toBe(200);
    const denied = await enterNumber(ctx, authToken, deniedNumber);
    const fresh = await enterNumber(ctx, authToken, freshNumber());
    expect(shape(denied)).toEqual(shape(fresh));
    for (const answer of [overCap, overPrefix, foreign, denied]) {
      expect(answer.status).toBe(fresh.status);
      expect(Object.keys(answer.body).sort()).toEqual(Object.keys(fresh.body).sort());
      expect(answer.body.status).toBe('pending');
      expect(JSON.stringify(answer.body)).not.toMatch(/limit|budget|country|prefix|daily|deny|known/i);
    }
    expect(shape(overPrefix)).toEqual(shape(overCap));
    expect(shape(foreign)).toEqual(shape(overCap));
    // No SMS leaves for a limited number, but the session answers as if one had: nothing tells it apart.
    expect(shape(overCap)).toEqual(shape(fresh));
    expect(overCap.body.nextAction.type).toBe('smsCode');
  });

  it('takes about as long for a fresh, a verified and a limited number (medians of a few runs, generous bound)', async () => {
    const authToken = await ctx.flow.authToken();
    const runs = 7;
    const fresh: number[] = [];
    const known: number[] = [];
    const limited: number[] = [];
    for (let i = 0; i < runs; i++) {
      const verified = await verifiedNumber(authToken);
      const overCap = await numberOverDailyCap(authToken);
      fresh.push((await timed(authToken, freshNumber())).ms);
      known.push((await timed(authToken, verified)).ms);
      limited.push((await timed(authToken, overCap)).ms);
    }
    const bound = Math.max(50, 2 * median(fresh));
    expect(Math.abs(median(known) - median(fresh))).toBeLessThan(bound);
    expect(Math.abs(median(limited) - median(fresh))).toBeLessThan(bound);
  });
});
