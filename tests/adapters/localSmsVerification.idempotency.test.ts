import { sendCodeRequest } from './support/sendCodeRequest.js';
import { describe, expect, it } from 'vitest';
import { LocalSmsVerification } from '../../adapters/sms/localSmsVerification.js';
import { smsCodeDigest } from '../../adapters/sms/smsCodeDigest.js';
import { SmsDeliveryError, type OutgoingSms, type SmsSender } from '../../adapters/sms/smsSender.js';
import type { SendCodeRequest } from '../../adapters/sms/smsVerification.js';
import { SimulatorSmsOutbox } from '../../adapters/sms/simulatorSmsOutbox.js';
import { InMemoryAdapterStore } from './support/inMemoryAdapterStore.js';
import { ManualClock } from './support/manualClock.js';

const hmacKey = 'test-hmac-key-of-at-least-16-bytes';
const phoneNumber = '13812345678';
const scope = 'session:s-1';
const undeliverablePrefix = '170';

/**
 * Delivers through the outbox, and can be told to fail the next send the way a worker dies: before
 * the message reaches the gateway, or after the gateway recorded it but before the answer came back.
 */
class CrashingSender implements SmsSender {
  readonly calls: OutgoingSms[] = [];
  private plan: Array<{ when: 'before' | 'after'; error: Error }> = [];
  constructor(private readonly outbox: SimulatorSmsOutbox) {}

  crashNext(when: 'before' | 'after', error: Error = new Error('worker crashed')): void {
    this.plan.push({ when, error });
  }

  async send(message: OutgoingSms): Promise<{ messageId: string }> {
    this.calls.push(message);
    const crash = this.plan.shift();
    if (crash?.when === 'before') throw crash.error;
    const result = await this.outbox.send(message);
    if (crash?.when === 'after') throw crash.error;
    return result;
  }
}

function setUp(options: { dailyCapPerNumber?: number } = {}) {
  const clock = new ManualClock();
  const store = new InMemoryAdapterStore(clock.now);
  const outbox = new SimulatorSmsOutbox({ store, now: clock.now, undeliverablePrefix });
  const sender = new CrashingSender(outbox);
  const engine = new LocalSmsVerification({ store, sender, hmacKey, now: clock.now, ...options });

  function send(outId: string | undefined, overrides: Partial<SendCodeRequest> = {}) {
    return engine.sendCode(sendCodeRequest(scope, phoneNumber, { ...(outId === undefined ? {} : { outId }), ...overrides }));
  }

  function check(code: string, overrides: { scope?: string; phoneNumber?: string } = {}) {
    return engine.checkCode({ scope, phoneNumber, code, ...overrides });
  }

  /** The codes in the SMS to the number, oldest first, as the user reads them. */
  async function codesSent(to = phoneNumber): Promise<string[]> {
    return (await outbox.messagesTo(to)).map(({ text }) => {
      const code = /验证码为(.+?)，/.exec(text)?.[1];
      if (code === undefined) throw new Error(`no code in ${JSON.stringify(text)}`);
      return code;
    });
  }

  const stateValues = () => [...store.dump()].filter(([key]) => key.includes('state:')).map(([, value]) => value);

  return { clock, store, outbox, sender, engine, send, check, codesSent, stateValues };
}

describe('LocalSmsVerification.sendCode with an outId', () => {
  it('answers a retry after a completed send with the same result, sending nothing, and the code stays valid', async () => {
    const { clock, sender, send, check, codesSent } = setUp();
    const first = await send('s-1-3-0');
    clock.advanceSeconds(10);
    const retry = await send('s-1-3-0');

    expect(first).toEqual({ sent: true, bizId: expect.stringMatching(/^[0-9a-f]{24}$/), expiresAt: expect.any(Number), resendAvailableAt: expect.any(Number) });
    expect(retry).toEqual(first);
    expect(sender.calls).toHaveLength(1);
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
  });

  it('returns the same code on a retry when the code is asked for', async () => {
    const { send, codesSent } = setUp();
    const first = await send('s-1-3-0', { returnCode: true });
    const retry = await send('s-1-3-0', { returnCode: true });
    expect(retry).toEqual(first);
    expect(first).toMatchObject({ code: (await codesSent())[0] });
  });

  it('after a crash before the message went out, sends the code once on the retry, with the claim’s expiry and interval', async () => {
    const { clock, sender, send, check, codesSent } = setUp();
    const claimedAt = clock.now();
    sender.crashNext('before');
    await expect(send('s-1-3-0')).rejects.toThrow('worker crashed');
    expect(await codesSent()).toEqual([]);

    clock.advanceSeconds(30);
    const retry = await send('s-1-3-0');
    expect(retry).toEqual({ sent: true, bizId: expect.any(String), expiresAt: claimedAt + 300_000, resendAvailableAt: claimedAt + 60_000 });
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
  });

  it('after a crash once the gateway recorded the message, re-sends the same message under the same key: one SMS, and its code verifies', async () => {
    const { sender, send, check, codesSent } = setUp();
    sender.crashNext('after');
    await expect(send('s-1-3-0')).rejects.toThrow('worker crashed');
    expect(await codesSent()).toHaveLength(1);

    expect(await send('s-1-3-0')).toMatchObject({ sent: true });
    expect(sender.calls).toHaveLength(2);
    expect(sender.calls[1]).toEqual(sender.calls[0]);
    expect(sender.calls[0]?.idempotencyKey).toEqual(expect.any(String));
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
  });

  it('survives repeated crashes: every run sends the same code under the same key, and it goes out once', async () => {
    const { sender, send, check, codesSent } = setUp({ dailyCapPerNumber: 1 });
    sender.crashNext('before');
    sender.crashNext('after');
    sender.crashNext('after');
    for (let run = 0; run < 3; run++) await expect(send('s-1-3-0')).rejects.toThrow('worker crashed');
    expect(await send('s-1-3-0')).toMatchObject({ sent: true });

    expect(new Set(sender.calls.map((call) => JSON.stringify(call))).size).toBe(1);
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
  });

  it('leaves no code valid while the send is unfinished, and holds the resend slot for it', async () => {
    const { sender, send, check } = setUp();
    sender.crashNext('before');
    await expect(send('s-1-3-0')).rejects.toThrow();
    expect(await check('000000')).toEqual({ result: 'EXPIRED' });
    expect(await send('s-1-3-1')).toMatchObject({ sent: false, reason: 'TOO_SOON' });
  });

  it('sends once when two runs of the same send race', async () => {
    const { send, check, codesSent } = setUp({ dailyCapPerNumber: 1 });
    const [left, right] = await Promise.all([send('s-1-3-0'), send('s-1-3-0')]);
    expect(left).toMatchObject({ sent: true });
    expect(right).toEqual(left);
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
    expect(await send('s-1-3-1', { scope: 'session:other' })).toEqual({ sent: false, reason: 'DAILY_LIMIT' });
  });

  it('holds other outIds to the resend interval', async () => {
    const { clock, send, codesSent } = setUp();
    const first = await send('s-1-3-0');
    clock.advanceSeconds(59);
    expect(await send('s-1-4-0')).toEqual({ sent: false, reason: 'TOO_SOON', resendAvailableAt: first.sent ? first.resendAvailableAt : 0 });
    expect(await send('s-1-3-0')).toEqual(first);

    clock.advanceSeconds(1);
    expect(await send('s-1-4-0')).toMatchObject({ sent: true });
    expect(await codesSent()).toHaveLength(2);
  });

  it('counts a send against the daily cap once, however often it is retried; other outIds are capped', async () => {
    const { clock, sender, send, codesSent } = setUp({ dailyCapPerNumber: 2 });
    const first = await send('a-1-0', { scope: 'session:a' });
    sender.crashNext('before');
    await expect(send('b-1-0', { scope: 'session:b' })).rejects.toThrow();
    const second = await send('b-1-0', { scope: 'session:b' });

    expect(await send('c-1-0', { scope: 'session:c' })).toEqual({ sent: false, reason: 'DAILY_LIMIT' });
    clock.advanceSeconds(60);
    expect(await send('a-1-0', { scope: 'session:a' })).toEqual(first);
    expect(await send('b-1-0', { scope: 'session:b' })).toEqual(second);
    expect(await send('a-2-0', { scope: 'session:a' })).toEqual({ sent: false, reason: 'DAILY_LIMIT' });
    expect(await codesSent()).toHaveLength(2);
  });

  it('on a permanent failure leaves no code and no claim behind, and gives the quota back', async () => {
    const { store, send, check } = setUp({ dailyCapPerNumber: 1 });
    const undeliverable = `${undeliverablePrefix}12345678`;
    expect(await send('s-1-3-0', { phoneNumber: undeliverable })).toEqual({
      sent: false,
      reason: 'DELIVERY_FAILED',
      permanent: true,
      detail: expect.any(String),
    });
    expect([...store.dump().keys()].filter((key) => key.includes('state:'))).toEqual([]);
    expect(await check('000000', { phoneNumber: undeliverable })).toEqual({ result: 'EXPIRED' });
    // The quota went back: another send to the number may go.
    expect(await send('s-1-3-1', { phoneNumber: undeliverable })).toMatchObject({ reason: 'DELIVERY_FAILED' });
  });

  it('on a permanent failure of a retry after a crash, releases the claim the first run made', async () => {
    const { sender, send, check } = setUp({ dailyCapPerNumber: 1 });
    sender.crashNext('before');
    await expect(send('s-1-3-0')).rejects.toThrow();
    sender.crashNext('before', new SmsDeliveryError('number gone', true));
    expect(await send('s-1-3-0')).toMatchObject({ sent: false, reason: 'DELIVERY_FAILED', permanent: true });
    expect(await check('000000')).toEqual({ result: 'EXPIRED' });
    expect(await send('s-1-3-1')).toMatchObject({ sent: true });
  });

  it('lets a send that failed for now be retried at once, without using up the daily cap', async () => {
    const { sender, send, check, codesSent } = setUp({ dailyCapPerNumber: 1 });
    sender.crashNext('before', new SmsDeliveryError('provider busy', false));
    expect(await send('s-1-3-0')).toEqual({ sent: false, reason: 'DELIVERY_FAILED', permanent: false, detail: 'provider busy' });
    expect(await send('s-1-3-0')).toMatchObject({ sent: true });
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
  });

  it('keys the sender by scope and number as well as outId, so one outId for two numbers sends to both', async () => {
    const { sender, send, codesSent } = setUp();
    await send('order-1');
    await send('order-1', { phoneNumber: '13900000000' });
    await send('order-1', { scope: 'session:s-2' });
    expect(new Set(sender.calls.map(({ idempotencyKey }) => idempotencyKey)).size).toBe(3);
    expect(sender.calls.map(({ idempotencyKey }) => idempotencyKey)).not.toContain('order-1');
    expect(await codesSent()).toHaveLength(2);
    expect(await codesSent('13900000000')).toHaveLength(1);
  });

  it('sends no idempotency key without an outId, and a fresh code every time', async () => {
    const { clock, sender, send, codesSent } = setUp();
    await send(undefined);
    clock.advanceSeconds(60);
    await send(undefined);
    expect(sender.calls.map(({ idempotencyKey }) => idempotencyKey)).toEqual([undefined, undefined]);
    const [older, newer] = await codesSent();
    expect(newer).not.toBe(older);
  });

  it('does not send a retried code that a newer code replaced meanwhile, and keeps the newer code valid', async () => {
    const { clock, sender, send, check, codesSent } = setUp();
    const claimedAt = clock.now();
    sender.crashNext('before');
    await expect(send('s-1-3-0')).rejects.toThrow();
    clock.advanceSeconds(60);
    expect(await send('s-1-4-0')).toMatchObject({ sent: true });

    expect(await send('s-1-3-0')).toEqual({ sent: true, bizId: expect.any(String), expiresAt: claimedAt + 300_000, resendAvailableAt: claimedAt + 60_000 });
    const codes = await codesSent();
    expect(codes).toHaveLength(1);
    expect(await check(codes[0] ?? '')).toEqual({ result: 'PASS' });
  });

  it('with the keep policy, sends a retried code after a newer one, and both stay valid', async () => {
    const { clock, sender, send, check, codesSent } = setUp();
    sender.crashNext('before');
    await expect(send('s-1-3-0', { duplicatePolicy: 'keep' })).rejects.toThrow();
    clock.advanceSeconds(60);
    await send('s-1-4-0', { duplicatePolicy: 'keep' });
    await send('s-1-3-0', { duplicatePolicy: 'keep' });

    const codes = await codesSent();
    expect(codes).toHaveLength(2);
    for (const code of codes) expect(await check(code)).toEqual({ result: 'PASS' });
  });

  it('does not send a retried code that expired meanwhile', async () => {
    const { clock, sender, send, codesSent } = setUp();
    sender.crashNext('before');
    await expect(send('s-1-3-0')).rejects.toThrow();
    clock.advanceSeconds(300);
    expect(await send('s-1-3-0')).toMatchObject({ sent: true });
    expect(await codesSent()).toEqual([]);
  });

  it('remembers a send for a day', async () => {
    const { clock, stateValues, send, codesSent } = setUp();
    const first = await send('s-1-3-0');
    clock.advance(24 * 60 * 60 * 1000 - 1);
    expect(await send('s-1-3-0')).toEqual(first);
    expect(stateValues()).toHaveLength(1);
    expect(await codesSent()).toHaveLength(1);
    clock.advance(1);
    expect(stateValues()).toEqual([]);
  });
});

describe('LocalSmsVerification storage of sends with an outId', () => {
  it('stores the code of a pending and of a delivered send only as HMACs and a nonce, never the code', async () => {
    const { sender, send, stateValues, codesSent } = setUp();
    sender.crashNext('after');
    await expect(send('s-1-3-0', { codeType: 'mixedCase', codeLength: 8 })).rejects.toThrow();
    const [code] = await codesSent();
    const pending = stateValues();

    await send('s-1-3-0', { codeType: 'mixedCase', codeLength: 8 });
    for (const value of [...pending, ...stateValues()]) {
      expect(value.toLowerCase()).not.toContain(code?.toLowerCase());
      expect(value).toContain(smsCodeDigest(hmacKey, scope, phoneNumber, code ?? ''));
    }
    expect(JSON.parse(pending[0] ?? '{}')).toMatchObject({ sends: [{ outId: 's-1-3-0', status: 'pending', nonce: expect.stringMatching(/^[\w-]{22}$/) }] });
    expect(JSON.parse(stateValues()[0] ?? '{}')).toMatchObject({ sends: [{ outId: 's-1-3-0', status: 'delivered' }] });
  });

  it('cannot re-create the code of a pending send with another HMAC key', async () => {
    const { clock, store, outbox, sender, send, check, codesSent } = setUp();
    sender.crashNext('before');
    await expect(send('s-1-3-0')).rejects.toThrow();
    const otherKeyEngine = new LocalSmsVerification({ store, sender: outbox, hmacKey: 'another-key-of-at-least-16-bytes', now: clock.now });
    await otherKeyEngine.sendCode(sendCodeRequest(scope, phoneNumber, { outId: 's-1-3-0' }));
    const [code] = await codesSent();
    expect(await check(code ?? '')).toMatchObject({ result: 'WRONG' });
  });

  it('reads state written before sends were kept', async () => {
    const { clock, store, send, check, codesSent } = setUp();
    await send(undefined);
    const [key] = [...store.dump().keys()].filter((candidate) => candidate.includes('state:'));
    const legacy = {
      lastSentAt: clock.now(),
      resendAvailableAt: clock.now() + 60_000,
      duplicatePolicy: 'replace',
      codes: [
        {
          bizId: 'b'.repeat(24),
          digest: smsCodeDigest(hmacKey, scope, phoneNumber, '123456'),
          caseFoldedDigest: smsCodeDigest(hmacKey, scope, phoneNumber, '123456'),
          expiresAt: clock.now() + 300_000,
          wrongTries: 0,
          maxWrongTries: 5,
        },
      ],
    };
    await store.set(key ?? '', JSON.stringify(legacy));
    expect(await check('123456')).toEqual({ result: 'PASS' });

    await store.set(key ?? '', JSON.stringify(legacy));
    clock.advanceSeconds(60);
    await send('s-1-3-0');
    const codes = await codesSent();
    expect(await check(codes.at(-1) ?? '')).toEqual({ result: 'PASS' });
  });
});
