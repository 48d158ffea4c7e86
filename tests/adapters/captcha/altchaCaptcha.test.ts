import { beforeAll, describe, expect, it } from 'vitest';
import { AltchaCaptcha, altchaMaxNumber } from '../../../adapters/captcha/altchaCaptcha.js';
import { solveAltchaChallenge } from '../../../adapters/captcha/solveAltchaChallenge.js';
import { ManualClock } from '../support/manualClock.js';

const hmacKey = 'test-captcha-hmac-key';
const binding = 'session-a';

function decode(payload: string): Record<string, unknown> {
  return JSON.parse(atob(payload)) as Record<string, unknown>;
}

function encode(payload: Record<string, unknown>): string {
  return btoa(JSON.stringify(payload));
}

describe('AltchaCaptcha', () => {
  const clock = new ManualClock();
  const captcha = new AltchaCaptcha({ hmacKey, now: clock.now });
  let challenge: Record<string, unknown>;
  let solution: string;
  let otherChallenge: Record<string, unknown>;
  let otherSolution: string;

  // Solving is the slow part, so each challenge is solved once and reused.
  beforeAll(async () => {
    challenge = await captcha.createChallenge({ difficulty: 'easy', binding });
    solution = await solveAltchaChallenge(challenge);
    otherChallenge = await captcha.createChallenge({ difficulty: 'easy', binding });
    otherSolution = await solveAltchaChallenge(otherChallenge);
  });

  it('creates a signed SHA-256 challenge with the binding and expiry in its salt', () => {
    expect(challenge).toMatchObject({ algorithm: 'SHA-256', maxnumber: altchaMaxNumber.easy });
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    const salt = challenge.salt as string;
    const params = new URLSearchParams(salt.split('?')[1]);
    expect(params.get('binding')).toBe(binding);
    expect(Number(params.get('expires'))).toBe(Math.floor(clock.now() / 1000) + 300);
  });

  it('maps difficulty to proof-of-work cost', async () => {
    for (const difficulty of ['easy', 'medium', 'hard'] as const) {
      const created = await captcha.createChallenge({ difficulty, binding });
      expect(created.maxnumber).toBe(altchaMaxNumber[difficulty]);
    }
    expect(altchaMaxNumber.easy).toBeLessThan(altchaMaxNumber.medium);
    expect(altchaMaxNumber.medium).toBeLessThan(altchaMaxNumber.hard);
  });

  it('passes a solved challenge, as the base64 payload or as the parsed object', async () => {
    await expect(captcha.verify({ challenge, solution, binding })).resolves.toBe(true);
    await expect(captcha.verify({ challenge, solution: decode(solution), binding })).resolves.toBe(true);
  });

  it('passes a challenge that has survived a JSON round trip (as it does in session storage)', async () => {
    const stored = JSON.parse(JSON.stringify(challenge)) as Record<string, unknown>;
    await expect(captcha.verify({ challenge: stored, solution, binding })).resolves.toBe(true);
  });

  it('fails a wrong number', async () => {
    const payload = decode(solution);
    const wrong = { ...payload, number: (payload.number as number) + 1 };
    await expect(captcha.verify({ challenge, solution: encode(wrong), binding })).resolves.toBe(false);
    await expect(captcha.verify({ challenge, solution: wrong, binding })).resolves.toBe(false);
  });

  it('fails a tampered signature', async () => {
    const signature = challenge.signature as string;
    const tampered = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    // Signature changed in the submitted payload only.
    await expect(captcha.verify({ challenge, solution: encode({ ...decode(solution), signature: tampered }), binding })).resolves.toBe(false);
    // Signature changed consistently in both: the HMAC no longer verifies.
    await expect(
      captcha.verify({ challenge: { ...challenge, signature: tampered }, solution: encode({ ...decode(solution), signature: tampered }), binding }),
    ).resolves.toBe(false);
  });

  it('fails a challenge signed with another key', async () => {
    const forger = new AltchaCaptcha({ hmacKey: 'another-key', now: clock.now });
    const forged = await forger.createChallenge({ difficulty: 'easy', binding });
    const forgedSolution = await solveAltchaChallenge(forged);
    await expect(forger.verify({ challenge: forged, solution: forgedSolution, binding })).resolves.toBe(true);
    await expect(captcha.verify({ challenge: forged, solution: forgedSolution, binding })).resolves.toBe(false);
  });

  it('fails a solution for another binding', async () => {
    await expect(captcha.verify({ challenge, solution, binding: 'session-b' })).resolves.toBe(false);

    const forB = await captcha.createChallenge({ difficulty: 'easy', binding: 'session-b' });
    const forBSolution = await solveAltchaChallenge(forB);
    await expect(captcha.verify({ challenge: forB, solution: forBSolution, binding })).resolves.toBe(false);
    await expect(captcha.verify({ challenge: forB, solution: forBSolution, binding: 'session-b' })).resolves.toBe(true);

    // Rewriting the binding in the salt breaks the signed hash.
    const salt = (challenge.salt as string).replace(`binding=${binding}`, 'binding=session-b');
    const rebound = { ...challenge, salt };
    await expect(captcha.verify({ challenge: rebound, solution: encode({ ...decode(solution), salt }), binding: 'session-b' })).resolves.toBe(false);
  });

  it('fails a solution for challenge A submitted against challenge B', async () => {
    await expect(captcha.verify({ challenge: otherChallenge, solution, binding })).resolves.toBe(false);
    await expect(captcha.verify({ challenge, solution: otherSolution, binding })).resolves.toBe(false);
  });

  it('fails once expired by the injected clock', async () => {
    const localClock = new ManualClock();
    const shortLived = new AltchaCaptcha({ hmacKey, now: localClock.now, ttlSeconds: 60 });
    const created = await shortLived.createChallenge({ difficulty: 'easy', binding });
    const answer = await solveAltchaChallenge(created);
    localClock.advanceSeconds(59);
    await expect(shortLived.verify({ challenge: created, solution: answer, binding })).resolves.toBe(true);
    localClock.advanceSeconds(1);
    await expect(shortLived.verify({ challenge: created, solution: answer, binding })).resolves.toBe(false);

    // Default TTL is 300 s.
    const defaultClock = new ManualClock();
    const defaultTtl = new AltchaCaptcha({ hmacKey, now: defaultClock.now });
    defaultClock.advanceSeconds(301);
    await expect(defaultTtl.verify({ challenge, solution, binding })).resolves.toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty string', ''],
    ['not base64', 'not-base64'],
    ['base64 of non-JSON', btoa('hello')],
    ['base64 of JSON null', btoa('null')],
    ['an empty object', {}],
    ['an array', []],
    ['a number', 42],
  ])('returns false for %s as the solution', async (_name, malformed) => {
    await expect(captcha.verify({ challenge, solution: malformed, binding })).resolves.toBe(false);
  });

  it('returns false for malformed payload fields and challenges', async () => {
    const payload = decode(solution);
    for (const bad of [
      { ...payload, number: String(payload.number) },
      { ...payload, number: -1 },
      { ...payload, number: 1.5 },
      { ...payload, algorithm: 'SHA-1' },
      { ...payload, salt: 42 },
    ]) {
      await expect(captcha.verify({ challenge, solution: bad, binding })).resolves.toBe(false);
    }
    await expect(captcha.verify({ challenge: {}, solution, binding })).resolves.toBe(false);
    const noExpiry = { ...challenge, salt: 'abc&' };
    await expect(captcha.verify({ challenge: noExpiry, solution: { ...payload, salt: 'abc&' }, binding })).resolves.toBe(false);
  });

  it('rejects an empty hmacKey or a non-positive ttl', () => {
    expect(() => new AltchaCaptcha({ hmacKey: '' })).toThrow();
    expect(() => new AltchaCaptcha({ hmacKey, ttlSeconds: 0 })).toThrow();
  });
});
