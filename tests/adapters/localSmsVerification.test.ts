import { sendCodeRequest } from './support/sendCodeRequest.js';
import { describe, expect, it } from 'vitest';
import { smsCodeAlphabets } from '../../adapters/sms/generateCode.js';
import { LocalSmsVerification } from '../../adapters/sms/localSmsVerification.js';
import { smsCodeDigest } from '../../adapters/sms/smsCodeDigest.js';
import { SmsDeliveryError, type OutgoingSms, type SmsSender } from '../../adapters/sms/smsSender.js';
import type { CheckCodeRequest, SendCodeRequest, SmsCodeType } from '../../adapters/sms/smsVerification.js';
import { SimulatorSmsOutbox } from '../../adapters/sms/simulatorSmsOutbox.js';
import { InMemoryAdapterStore } from './support/inMemoryAdapterStore.js';
import { ManualClock } from './support/manualClock.js';

const hmacKey = 'test-hmac-key-of-at-least-16-bytes';
const phoneNumber = '13812345678';
const scope = 'session:s-1';
const undeliverablePrefix = '170';

/** An SMS sender that fails the next sends it is told to fail, then delivers through the outbox. */
class FailingSender implements SmsSender {
  private failures: Error[] = [];
  constructor(private readonly outbox: SimulatorSmsOutbox) {}

  failNext(error: Error): void {
    this.failures.push(error);
  }

  async send(message: OutgoingSms): Promise<{ messageId: string }> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    return this.outbox.send(message);
  }
}

function setUp(options: { dailyCapPerNumber?: number } = {}) {
  const clock = new ManualClock();
  const store = new InMemoryAdapterStore(clock.now);
  const outbox = new SimulatorSmsOutbox({ store, now: clock.now, undeliverablePrefix });
  const sender = new FailingSender(outbox);
  const engine = new LocalSmsVerification({ store, sender, hmacKey, now: clock.now, ...options });

  function send(overrides: Partial<SendCodeRequest> = {}) {
    return engine.sendCode(sendCodeRequest(scope, phoneNumber, overrides));
  }

  function check(code: string, overrides: Partial<CheckCodeRequest> = {}) {
    return engine.checkCode({ scope, phoneNumber, code, ...overrides });
  }

  /** The code in the newest SMS to the number, as the user reads it. */
  async function lastCodeSent(to = phoneNumber): Promise<string> {
    const text = (await outbox.messagesTo(to)).at(-1)?.text ?? '';
    const code = /验证码为(.+?)，/.exec(text)?.[1];
    if (code === undefined) throw new Error(`no code in ${JSON.stringify(text)}`);
    return code;
  }

  /** A code of the same shape that is certainly not the given one. */
  function wrongCodeFor(code: string): string {
    return code.replace(/^./, (first) => (first === '0' ? '1' : '0'));
  }

  return { clock, store, outbox, sender, engine, send, check, lastCodeSent, wrongCodeFor };
}

describe('LocalSmsVerification.sendCode', () => {
  it('sends a code in the default template, valid for its lifetime, and says when a resend is allowed', async () => {
    const { clock, outbox, send, lastCodeSent } = setUp();
    const result = await send();

    expect(result).toEqual({
      sent: true,
      bizId: expect.stringMatching(/^[0-9a-f]{24}$/),
      expiresAt: clock.now() + 300_000,
      resendAvailableAt: clock.now() + 60_000,
    });
    const code = await lastCodeSent();
    expect(code).toMatch(/^\d{6}$/);
    expect(await outbox.messagesTo(phoneNumber)).toEqual([{ to: phoneNumber, text: `您的验证码为${code}，5分钟内有效。`, sentAt: clock.now() }]);
  });

  it('states the validity in the default template in seconds when it is not whole minutes', async () => {
    const { outbox, send } = setUp();
    await send({ validitySeconds: 90 });
    expect((await outbox.messagesTo(phoneNumber))[0]?.text).toMatch(/^您的验证码为\d{6}，90秒内有效。$/);
  });

  it('fills every ##code## of a custom template', async () => {
    const { outbox, send } = setUp();
    await send({ template: '【Demo】##code## is your code. Code: ##code##', returnCode: true });
    const [message] = await outbox.messagesTo(phoneNumber);
    expect(message?.text).toMatch(/^【Demo】(\d{6}) is your code\. Code: \1$/);
  });

  it('returns the code only when asked', async () => {
    const { send, lastCodeSent } = setUp();
    const asked = await send({ returnCode: true });
    expect(asked).toMatchObject({ sent: true, code: await lastCodeSent() });

    const notAsked = await send({ scope: 'session:s-2' });
    expect(notAsked).not.toHaveProperty('code');
  });

  it.each(['digits', 'upper', 'lower', 'mixedCase', 'digitsUpper', 'digitsLower', 'any'] satisfies SmsCodeType[])(
    'sends %s codes of each allowed length',
    async (codeType) => {
      const { send } = setUp({ dailyCapPerNumber: 100 });
      for (let codeLength = 4; codeLength <= 8; codeLength++) {
        const result = await send({ scope: `session:${codeLength}`, codeType, codeLength, returnCode: true });
        const code = result.sent ? (result.code ?? '') : '';
        expect(code).toHaveLength(codeLength);
        for (const character of code) expect(smsCodeAlphabets[codeType]).toContain(character);
      }
    },
  );

  it.each([
    ['a code shorter than 4', { codeLength: 3 }],
    ['a code longer than 8', { codeLength: 9 }],
    ['an unknown code type', { codeType: 'emoji' as SmsCodeType }],
    ['a template without ##code##', { template: 'Your code is {code}' }],
    ['no validity', { validitySeconds: 0 }],
    ['no wrong tries', { maxWrongTries: 0 }],
    ['an empty scope', { scope: '' }],
  ])('refuses a request with %s', async (_problem, overrides) => {
    const { send, outbox } = setUp();
    await expect(send(overrides)).rejects.toBeInstanceOf(RangeError);
    expect(await outbox.messagesTo(phoneNumber)).toEqual([]);
  });

  it('refuses an HMAC key shorter than 16 bytes', () => {
    const store = new InMemoryAdapterStore();
    const sender = new SimulatorSmsOutbox({ store });
    expect(() => new LocalSmsVerification({ store, sender, hmacKey: 'short' })).toThrow(RangeError);
  });

  it('refuses a resend within the interval, per scope and number', async () => {
    const { clock, outbox, send } = setUp();
    const first = await send();
    clock.advanceSeconds(59);

    expect(await send()).toEqual({ sent: false, reason: 'TOO_SOON', resendAvailableAt: first.sent ? first.resendAvailableAt : 0 });
    expect(await send({ scope: 'session:other' })).toMatchObject({ sent: true });
    expect(await send({ phoneNumber: '13900000000' })).toMatchObject({ sent: true });

    clock.advanceSeconds(1);
    expect(await send()).toMatchObject({ sent: true });
    expect(await outbox.messagesTo(phoneNumber)).toHaveLength(3);
  });

  it('measures the interval of the request being made', async () => {
    const { clock, send } = setUp();
    await send({ resendIntervalSeconds: 60 });
    clock.advanceSeconds(30);
    expect(await send({ resendIntervalSeconds: 30 })).toMatchObject({ sent: true });
  });

  it('sends once when two sends race', async () => {
    const { outbox, send } = setUp();
    const results = await Promise.all([send(), send()]);
    expect(results.map((result) => (result.sent ? 'sent' : result.reason)).sort()).toEqual(['TOO_SOON', 'sent']);
    expect(await outbox.messagesTo(phoneNumber)).toHaveLength(1);
  });

  it('caps the codes sent to a number per UTC day, over all scopes', async () => {
    const { clock, outbox, send } = setUp({ dailyCapPerNumber: 3 });
    clock.advance(Date.UTC(2025, 0, 15, 23, 0, 0) - clock.now());
    for (let index = 1; index <= 3; index++) expect(await send({ scope: `session:${index}` })).toMatchObject({ sent: true });

    expect(await send({ scope: 'session:4' })).toEqual({ sent: false, reason: 'DAILY_LIMIT' });
    expect(await send({ scope: 'session:5', phoneNumber: '13900000000' })).toMatchObject({ sent: true });
    expect(await outbox.messagesTo(phoneNumber)).toHaveLength(3);

    clock.advance(Date.UTC(2025, 0, 16, 0, 0, 0) - clock.now());
    expect(await send({ scope: 'session:4' })).toMatchObject({ sent: true });
  });

  it('counts a resend refused as too soon against nothing', async () => {
    const { send } = setUp({ dailyCapPerNumber: 2 });
    await send();
    for (let attempt = 0; attempt < 5; attempt++) expect(await send()).toMatchObject({ reason: 'TOO_SOON' });
    expect(await send({ scope: 'session:other' })).toMatchObject({ sent: true });
  });

  it('reports a permanent delivery failure and leaves no code behind', async () => {
    const { store, send, check } = setUp();
    const undeliverableNumber = `${undeliverablePrefix}12345678`;
    const result = await send({ phoneNumber: undeliverableNumber, returnCode: true });

    expect(result).toEqual({ sent: false, reason: 'DELIVERY_FAILED', permanent: true, detail: expect.any(String) });
    expect([...store.dump().keys()].filter((key) => key.includes('state:'))).toEqual([]);
    expect(await check('000000', { phoneNumber: undeliverableNumber })).toEqual({ result: 'EXPIRED' });
  });

  it('lets a failed send be retried at once, without using up the daily cap', async () => {
    const { sender, send, check, lastCodeSent } = setUp({ dailyCapPerNumber: 1 });
    sender.failNext(new SmsDeliveryError('provider busy', false));

    expect(await send()).toEqual({ sent: false, reason: 'DELIVERY_FAILED', permanent: false, detail: 'provider busy' });
    expect(await send()).toMatchObject({ sent: true });
    expect(await check(await lastCodeSent())).toEqual({ result: 'PASS' });
  });

  it('keeps the previous code valid when a resend fails', async () => {
    const { clock, sender, send, check, lastCodeSent } = setUp();
    await send();
    const previousCode = await lastCodeSent();
    clock.advanceSeconds(60);
    sender.failNext(new SmsDeliveryError('provider busy', false));

    expect(await send()).toMatchObject({ reason: 'DELIVERY_FAILED' });
    expect(await check(previousCode)).toEqual({ result: 'PASS' });
  });

  it('passes on an unexpected sender error, leaving no code valid', async () => {
    const { store, sender, send } = setUp();
    sender.failNext(new TypeError('bug in a sender'));
    await expect(send()).rejects.toThrow('bug in a sender');
    expect([...store.dump().keys()].filter((key) => key.includes('state:'))).toEqual([]);
  });
});

describe('LocalSmsVerification.checkCode', () => {
  it('passes the right code once', async () => {
    const { send, check, lastCodeSent } = setUp();
    await send();
    const code = await lastCodeSent();

    expect(await check(code)).toEqual({ result: 'PASS' });
    expect(await check(code)).toEqual({ result: 'EXPIRED' });
  });

  it('passes a code only once when two checks race', async () => {
    const { send, check, lastCodeSent } = setUp();
    await send();
    const code = await lastCodeSent();
    const results = await Promise.all([check(code), check(code)]);
    expect(results.map(({ result }) => result).sort()).toEqual(['EXPIRED', 'PASS']);
  });

  it('binds a code to its scope and number', async () => {
    const { send, check, lastCodeSent } = setUp();
    await send();
    const code = await lastCodeSent();

    expect(await check(code, { scope: 'session:other' })).toEqual({ result: 'EXPIRED' });
    expect(await check(code, { phoneNumber: '13900000000' })).toEqual({ result: 'EXPIRED' });
    expect(await check(code)).toEqual({ result: 'PASS' });
  });

  it('gives the same answer for a code never sent, expired or used', async () => {
    const { clock, send, check, lastCodeSent } = setUp();
    expect(await check('123456')).toEqual({ result: 'EXPIRED' });

    await send();
    clock.advanceSeconds(300);
    expect(await check(await lastCodeSent())).toEqual({ result: 'EXPIRED' });
  });

  it('accepts a code until the last millisecond of its validity', async () => {
    const { clock, send, check, lastCodeSent } = setUp();
    await send();
    clock.advance(300_000 - 1);
    expect(await check(await lastCodeSent())).toEqual({ result: 'PASS' });
  });

  it('counts wrong tries down, then locks the code even against the right code', async () => {
    const { send, check, lastCodeSent, wrongCodeFor } = setUp();
    await send({ maxWrongTries: 5 });
    const code = await lastCodeSent();
    const wrong = wrongCodeFor(code);

    const answers = [];
    for (let attempt = 0; attempt < 5; attempt++) answers.push(await check(wrong));
    expect(answers).toEqual([4, 3, 2, 1, 0].map((triesLeft) => ({ result: 'WRONG', triesLeft })));

    expect(await check(code)).toEqual({ result: 'LOCKED' });
    expect(await check(wrong)).toEqual({ result: 'LOCKED' });
  });

  it('counts every one of concurrent wrong tries', async () => {
    const { send, check, lastCodeSent, wrongCodeFor } = setUp();
    await send({ maxWrongTries: 3 });
    const code = await lastCodeSent();
    await Promise.all([1, 2, 3].map(() => check(wrongCodeFor(code))));
    expect(await check(code)).toEqual({ result: 'LOCKED' });
  });

  it('answers EXPIRED rather than LOCKED once a locked code has expired', async () => {
    const { clock, send, check, lastCodeSent, wrongCodeFor } = setUp();
    await send({ maxWrongTries: 1 });
    const code = await lastCodeSent();
    await check(wrongCodeFor(code));
    expect(await check(code)).toEqual({ result: 'LOCKED' });
    clock.advanceSeconds(300);
    expect(await check(code)).toEqual({ result: 'EXPIRED' });
  });

  it('lets a new code replace a locked one', async () => {
    const { clock, send, check, lastCodeSent, wrongCodeFor } = setUp();
    await send({ maxWrongTries: 1 });
    await check(wrongCodeFor(await lastCodeSent()));
    clock.advanceSeconds(60);
    await send({ maxWrongTries: 1 });
    expect(await check(await lastCodeSent())).toEqual({ result: 'PASS' });
  });

  it('ignores case unless asked not to', async () => {
    const { send, check, lastCodeSent } = setUp();
    await send({ codeType: 'upper', codeLength: 8 });
    const code = await lastCodeSent();

    expect(await check(code.toLowerCase(), { caseSensitive: true })).toEqual({ result: 'WRONG', triesLeft: 4 });
    expect(await check(code.toLowerCase())).toEqual({ result: 'PASS' });
  });

  it('with the replace policy, accepts only the newest code', async () => {
    const { clock, send, check, lastCodeSent } = setUp();
    await send({ duplicatePolicy: 'replace' });
    const older = await lastCodeSent();
    clock.advanceSeconds(60);
    await send({ duplicatePolicy: 'replace' });
    const newer = await lastCodeSent();
    expect(newer).not.toBe(older);

    expect(await check(older)).toEqual({ result: 'WRONG', triesLeft: 4 });
    expect(await check(newer)).toEqual({ result: 'PASS' });
    expect(await check(older)).toEqual({ result: 'EXPIRED' });
  });

  it('with the keep policy, accepts every unexpired code once', async () => {
    const { clock, send, check, lastCodeSent } = setUp();
    await send({ duplicatePolicy: 'keep' });
    const older = await lastCodeSent();
    clock.advanceSeconds(60);
    await send({ duplicatePolicy: 'keep' });
    const newer = await lastCodeSent();
    expect(newer).not.toBe(older);

    expect(await check(older)).toEqual({ result: 'PASS' });
    expect(await check(newer)).toEqual({ result: 'PASS' });
    expect(await check(newer)).toEqual({ result: 'EXPIRED' });
  });

  it('with the keep policy, lets each code expire on its own time', async () => {
    const { clock, send, check, lastCodeSent } = setUp();
    await send({ duplicatePolicy: 'keep' });
    const older = await lastCodeSent();
    clock.advanceSeconds(60);
    await send({ duplicatePolicy: 'keep' });
    const newer = await lastCodeSent();

    clock.advanceSeconds(240);
    expect(await check(older)).toEqual({ result: 'WRONG', triesLeft: 4 });
    expect(await check(newer)).toEqual({ result: 'PASS' });
  });

  it('with the keep policy, counts a wrong try against every open code', async () => {
    const { clock, send, check, lastCodeSent } = setUp();
    await send({ duplicatePolicy: 'keep', maxWrongTries: 2 });
    const older = await lastCodeSent();
    clock.advanceSeconds(60);
    await send({ duplicatePolicy: 'keep', maxWrongTries: 2 });
    const newer = await lastCodeSent();
    const wrong = [older, newer].includes('000000') ? '111111' : '000000';

    expect(await check(wrong)).toEqual({ result: 'WRONG', triesLeft: 1 });
    expect(await check(wrong)).toEqual({ result: 'WRONG', triesLeft: 0 });
    expect(await check(older)).toEqual({ result: 'LOCKED' });
    expect(await check(newer)).toEqual({ result: 'LOCKED' });
  });
});

describe('LocalSmsVerification storage', () => {
  it('stores the code only as an HMAC bound to scope and number', async () => {
    const { store, send, lastCodeSent } = setUp();
    await send({ codeType: 'mixedCase', codeLength: 8 });
    const code = await lastCodeSent();

    const states = [...store.dump()].filter(([key]) => key.includes('state:'));
    expect(states).toHaveLength(1);
    for (const [key, value] of store.dump()) {
      if (key.includes('sms-outbox')) continue;
      expect(key).not.toContain(code);
      expect(value).not.toContain(code);
      expect(value.toLowerCase()).not.toContain(code.toLowerCase());
    }
    expect(states[0]?.[1]).toContain(smsCodeDigest(hmacKey, scope, phoneNumber, code));
  });

  it('cannot check a code with another HMAC key', async () => {
    const { clock, store, outbox, send, lastCodeSent } = setUp();
    await send();
    const otherKeyEngine = new LocalSmsVerification({ store, sender: outbox, hmacKey: 'another-key-of-at-least-16-bytes', now: clock.now });
    expect(await otherKeyEngine.checkCode({ scope, phoneNumber, code: await lastCodeSent() })).toMatchObject({ result: 'WRONG' });
  });

  it('lets the state expire once its codes expired and the resend interval ended', async () => {
    const { clock, store, send } = setUp();
    await send({ validitySeconds: 300, resendIntervalSeconds: 60 });
    const stateKeys = () => [...store.dump().keys()].filter((key) => key.includes('state:'));
    clock.advanceSeconds(299);
    expect(stateKeys()).toHaveLength(1);
    clock.advanceSeconds(1);
    expect(stateKeys()).toEqual([]);
  });

  it('treats unreadable state as none, and overwrites it', async () => {
    const { store, send, check, lastCodeSent } = setUp();
    await send();
    const [stateKey] = [...store.dump().keys()].filter((key) => key.includes('state:'));
    await store.set(stateKey ?? '', '{not json');

    expect(await check('123456')).toEqual({ result: 'EXPIRED' });
    expect(await send()).toMatchObject({ sent: true });
    expect(await check(await lastCodeSent())).toEqual({ result: 'PASS' });
  });

  it('gives up with an error when every compare-and-swap loses', async () => {
    const { store, send, clock, outbox } = setUp();
    await send();
    const contended = {
      get: (key: string) => store.get(key),
      increment: (key: string, by: number, ttlMs: number) => store.increment(key, by, ttlMs),
      compareAndSwap: async () => false,
    };
    const engine = new LocalSmsVerification({ store: contended, sender: outbox, hmacKey, now: clock.now });
    await expect(engine.checkCode({ scope, phoneNumber, code: '123456' })).rejects.toThrow(/try again/);
  });
});
