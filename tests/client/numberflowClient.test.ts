import { describe, expect, it } from 'vitest';
import { solveAltchaChallenge } from '../../adapters/captcha/solveAltchaChallenge.js';
import { defaultPolicy } from '../../machines/index.js';
import { NumberflowClient, NumberflowError, type NextActionType, type NumberflowClientOptions } from '../../visualizations/client/index.js';
import { androidScheme, h5Scheme } from '../support/fusionAuthFlow.js';
import { useTestServer } from '../support/useTestServer.js';

/** The TypeScript client against a live server: every nextAction, the errors, Retry-After and settling `wait`. */
const captchaScheme = { ...androidScheme, code: 'FA900000000130001', name: 'client captcha' };
const ctx = useTestServer({ store: 'memory' }, async ({ server }) => {
  expect((await server.api.post('/v1/admin/schemes', captchaScheme, 'admin')).status).toBe(201);
  const policy = defaultPolicy('100001');
  policy.nodes.captcha = { enabled: true, difficulty: 'easy', maxTries: 2 };
  policy.nodes.endpointRisk.onRisk = 'captcha';
  await server.numberflow.services.policies.setSchemePolicy(captchaScheme.code, policy, '100001');
});

const riskyDevice = { emulator: true, hooked: true };

async function clientFor(scheme = androidScheme, extra: Record<string, unknown> = {}, options: Partial<NumberflowClientOptions> = {}) {
  return new NumberflowClient({ baseUrl: ctx.server.baseUrl, authToken: await ctx.flow.authToken(scheme, extra), ...options });
}

/** A sleep that does not wait, and remembers what it was asked to wait. */
function recordingSleep(onSleep: (ms: number) => Promise<void> | void = () => {}) {
  const asked: number[] = [];
  return {
    asked,
    sleep: async (ms: number) => {
      asked.push(ms);
      await onSleep(ms);
    },
  };
}

describe('the client follows nextAction to the end, one typed call per event', () => {
  it('numberAuth: the carrier token, then the app backend learns the number', async () => {
    const client = await clientFor();
    const session = await client.openSession('100001');
    const seen: NextActionType[] = [];
    const final = await session.follow({
      numberAuth: async (action, s) => {
        seen.push(action.type);
        await s.numberAuthToken(await ctx.flow.carrierToken('13900130001'));
      },
    });
    expect(seen).toEqual(['numberAuth']);
    expect(final.status).toBe('verified');
    expect((await ctx.flow.verify(final.verifyToken!)).body).toMatchObject({ phoneNumber: '13900130001', method: 'numberAuth' });
  });

  it('middleDigits on H5: a wrong guess asks again, the right one verifies', async () => {
    const client = await clientFor(h5Scheme);
    const session = await client.openSession('100001', { platform: 'H5' });
    const tries: number[] = [];
    const final = await session.follow({
      numberAuth: async (_action, s) => void (await s.numberAuthToken(await ctx.flow.carrierToken('13900130002'))),
      middleDigits: async (action, s) => {
        expect(action.maskedPhoneNumber).toBe('139****0002');
        tries.push(action.triesLeft);
        await s.middleDigits(tries.length === 1 ? '9999' : '0013');
      },
    });
    expect(tries).toEqual([3, 2]);
    expect(final.status).toBe('verified');
  });

  it('enterPhone and smsCode after a carrier error: a wrong code shows lastResult, a resend too early is thrown with its Retry-After', async () => {
    const client = await clientFor();
    const session = await client.openSession('100001');
    const seen: string[] = [];
    const final = await session.follow({
      numberAuth: async (_action, s) => void (await s.numberAuthToken(await ctx.flow.carrierToken('13900130003', 'error'))),
      enterPhone: async (action, s) => {
        seen.push(action.type);
        await s.phoneNumber('13900130003');
      },
      smsCode: async (action, s) => {
        seen.push(`${action.type}:${action.lastResult}`);
        if (action.lastResult === null) {
          const early = await s.resendSms().catch((error: unknown) => error);
          expect(early).toBeInstanceOf(NumberflowError);
          expect(early).toMatchObject({ status: 429, code: 'RESEND_TOO_EARLY', details: { resendAvailableAt: action.resendAvailableAt } });
          expect((early as NumberflowError).retryAfterSeconds).toBeGreaterThan(0);
          await s.smsCode('000000');
        } else {
          await s.smsCode(await ctx.flow.latestSmsCode('13900130003'));
        }
      },
    });
    expect(seen).toEqual(['enterPhone', 'smsCode:null', 'smsCode:WRONG']);
    expect(final.status).toBe('verified');
  });

  it('switchToSms, then the code by SMS', async () => {
    const client = await clientFor();
    const session = await client.openSession('100001');
    expect(session.nextAction.type).toBe('numberAuth');
    await session.switchToSms();
    expect(session.nextAction.type).toBe('enterPhone');
    await session.phoneNumber('13900130004');
    expect(session.nextAction).toMatchObject({ type: 'smsCode', phoneNumber: '139****0004', codeLength: 6 });
    const final = await session.smsCode(await ctx.flow.latestSmsCode('13900130004'));
    expect(final.status).toBe('verified');
  });

  it('uplinkSms: UPLINK_SMS_SENT, then `wait` settles by polling with backoff once the SMS arrives', async () => {
    let uplink: { code: string; receivingNumber: string } | undefined;
    const { asked, sleep } = recordingSleep(async () => {
      // The user's SMS arrives while the client waits, after its second look.
      if (asked.length === 3) await ctx.server.api.post('/v1/simulator/uplink-sms', { from: '13900130005', to: uplink!.receivingNumber, text: uplink!.code });
    });
    const client = await clientFor(androidScheme, { phoneNumber: '13900130005' }, { sleep, wait: { initialDelayMs: 100, factor: 2, maxDelayMs: 300 } });
    const session = await client.openSession('100003', riskyDevice);
    const final = await session.follow({
      uplinkSms: async (action, s) => {
        uplink = action;
        expect(action.expiresAt).toMatch(/^\d{4}-/);
        const waiting = await s.uplinkSmsSent();
        expect(waiting.nextAction.type).toBe('wait');
      },
    });
    expect(asked).toEqual([100, 200, 300]);
    expect(final.status).toBe('verified');
    expect((await ctx.flow.verify(final.verifyToken!)).body).toMatchObject({ phoneNumber: '13900130005', method: 'uplinkSms' });
  });

  it('uplinkSms without UPLINK_SMS_SENT: a handler that makes no call has the session looked at until it moves', async () => {
    const client = await clientFor(androidScheme, { phoneNumber: '13900130006' }, { sleep: recordingSleep().sleep });
    const session = await client.openSession('100003', riskyDevice);
    const final = await session.follow({
      uplinkSms: async (action) => {
        await ctx.server.api.post('/v1/simulator/uplink-sms', { from: '13900130006', to: action.receivingNumber, text: action.code });
      },
    });
    expect(final.status).toBe('verified');
  });

  it('captcha: the ALTCHA solution, then one-click', async () => {
    const client = await clientFor(captchaScheme);
    const session = await client.openSession('100001', riskyDevice);
    const final = await session.follow({
      captcha: async (action, s) => void (await s.captchaSolution(await solveAltchaChallenge(action.challenge))),
      numberAuth: async (_action, s) => void (await s.numberAuthToken(await ctx.flow.carrierToken('13900130007'))),
    });
    expect(final.status).toBe('verified');
  });

  it('none: a cancelled session ends follow() at once; listeners saw every change', async () => {
    const client = await clientFor();
    const session = await client.openSession('100001');
    const changes: string[] = [];
    session.onChange((view) => changes.push(view.status));
    await session.cancel();
    expect(session.nextAction).toEqual({ type: 'none' });
    expect(await session.follow({})).toMatchObject({ status: 'failed', failureReason: 'cancelled' });
    expect(changes).toEqual(['failed']);
    // The same session, opened again by its id (after a page reload, say).
    expect((await client.session(session.id)).status).toBe('failed');
  });
});

describe('errors carry the API codes', () => {
  it('401, 404, 409 and 400 as NumberflowError', async () => {
    const bad = new NumberflowClient({ baseUrl: ctx.server.baseUrl, authToken: 'not-a-token' });
    await expect(bad.openSession('100001')).rejects.toMatchObject({ name: 'NumberflowError', status: 401, code: 'AUTH_TOKEN_INVALID' });

    const client = await clientFor();
    await expect(client.session('AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ status: 404, code: 'SESSION_NOT_FOUND' });
    const session = await client.openSession('100001');
    await expect(session.middleDigits('0013')).rejects.toMatchObject({ status: 409, code: 'EVENT_NOT_ACCEPTED' });
    await expect(session.middleDigits('12')).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const error = await session.phoneNumber('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NumberflowError);
    expect((error as NumberflowError).requestId).toMatch(/.+/);
    expect(session.nextAction.type).toBe('numberAuth');
  });

  it('a server that cannot be reached is NETWORK_ERROR', async () => {
    const client = new NumberflowClient({ baseUrl: 'http://127.0.0.1:9', authToken: 'x' });
    await expect(client.openSession('100001')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('a wait that never ends is WAIT_TIMED_OUT after timeoutMs of backoff', async () => {
    const { asked, sleep } = recordingSleep();
    const client = await clientFor(
      androidScheme,
      { phoneNumber: '13900130008' },
      { sleep, wait: { initialDelayMs: 100, factor: 2, maxDelayMs: 400, timeoutMs: 1000 } },
    );
    const session = await client.openSession('100003', riskyDevice);
    await session.uplinkSmsSent();
    await expect(session.settle()).rejects.toMatchObject({ code: 'WAIT_TIMED_OUT' });
    expect(asked).toEqual([100, 200, 400, 400]);
  });
});

describe('Retry-After', () => {
  const limited = useTestServer({ store: 'memory', env: { RATE_LIMIT_SESSION_STARTS_PER_IP: '1' } });
  /** The server's own per-IP limiter of session starts: the test lets the wait pass by forgetting what it counted. */
  const forgetSessionStarts = async () => {
    const limiter = (limited.server.numberflow.services.limits as unknown as { limiters: Record<string, { delete(key: string): Promise<unknown> }> }).limiters
      .sessionStartPerIp!;
    await Promise.all(['127.0.0.1', '::ffff:127.0.0.1', '::1'].map((ip) => limiter.delete(ip)));
  };

  it('a 429 is sent again after the Retry-After the server gave, and then goes through', async () => {
    const authToken = await limited.flow.authToken();
    const { asked, sleep } = recordingSleep(forgetSessionStarts);
    const client = new NumberflowClient({ baseUrl: limited.server.baseUrl, authToken, sleep, retry: { maxRetryAfterSeconds: 60 } });
    await client.openSession('100001');
    const second = await client.openSession('100001');
    expect(second.status).toBe('pending');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeGreaterThanOrEqual(1000);
    expect(asked[0]! % 1000).toBe(0);
  });

  it('a Retry-After longer than the client will wait is thrown at once, carrying it', async () => {
    await forgetSessionStarts();
    const authToken = await limited.flow.authToken();
    const { asked, sleep } = recordingSleep();
    const client = new NumberflowClient({ baseUrl: limited.server.baseUrl, authToken, sleep, retry: { maxRetryAfterSeconds: 0 } });
    await client.openSession('100001');
    const error = (await client.openSession('100001').catch((e: unknown) => e)) as NumberflowError;
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(asked).toEqual([]);
  });

  it('gives up after maxRetries, each wait as long as the server asked', async () => {
    await forgetSessionStarts();
    const authToken = await limited.flow.authToken();
    const { asked, sleep } = recordingSleep();
    const client = new NumberflowClient({ baseUrl: limited.server.baseUrl, authToken, sleep, retry: { maxRetries: 2, maxRetryAfterSeconds: 60 } });
    await client.openSession('100001');
    await expect(client.openSession('100001')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(asked).toHaveLength(2);
    for (const ms of asked) expect(ms).toBeGreaterThanOrEqual(1000);
  });
});
