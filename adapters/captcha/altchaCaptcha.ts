import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type { CaptchaDifficulty, CaptchaVerifier } from './captchaVerifier.js';

/**
 * The self-hosted proof-of-work CAPTCHA, on ALTCHA's v1 protocol (`altcha-lib/v1`):
 * the client must find the secret number n (1..maxnumber) with SHA-256(salt + n) = challenge.
 *
 * v1 rather than the library's default v2, because v1's verifier lets expiry be skipped
 * (`checkExpires = false`), so the injected `now()` is the only clock that decides expiry;
 * v2's `verifySolution` always compares `expiresAt` with the real `Date.now()`.
 *
 * The session id (`binding`) and the expiry are written into the salt
 * (`<random>?binding=…&expires=…&`); the salt is hashed into `challenge`, which is
 * HMAC-signed with `hmacKey`, so neither can be changed without breaking the signature.
 *
 * Single use is the caller's job: the session moves on after a PASS (and drops the
 * challenge), so a solution can never be checked against the same challenge twice.
 * This adapter deliberately keeps no storage.
 */

/** Proof-of-work cost: the secret number is drawn from 1..maxnumber, so a solver needs about maxnumber / 2 hashes. */
export const altchaMaxNumber: Readonly<Record<CaptchaDifficulty, number>> = {
  easy: 10_000,
  medium: 50_000,
  hard: 200_000,
};

const algorithm = 'SHA-256';
const defaultTtlSeconds = 300;

/** What the ALTCHA v1 widget submits (base64 JSON, or this object already parsed). */
interface AltchaV1Payload {
  algorithm: typeof algorithm;
  challenge: string;
  number: number;
  salt: string;
  signature: string;
}

export class AltchaCaptcha implements CaptchaVerifier {
  private readonly hmacKey: string;
  private readonly now: () => number;
  private readonly ttlSeconds: number;

  constructor(options: { hmacKey: string; now?: () => number; ttlSeconds?: number }) {
    if (typeof options.hmacKey !== 'string' || options.hmacKey.length === 0) {
      throw new Error('AltchaCaptcha needs a non-empty hmacKey');
    }
    const ttlSeconds = options.ttlSeconds ?? defaultTtlSeconds;
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new Error(`AltchaCaptcha ttlSeconds must be a positive number, got ${ttlSeconds}`);
    }
    this.hmacKey = options.hmacKey;
    this.now = options.now ?? Date.now;
    this.ttlSeconds = ttlSeconds;
  }

  async createChallenge(options: { difficulty: CaptchaDifficulty; binding: string }): Promise<Record<string, unknown>> {
    const maxnumber = altchaMaxNumber[options.difficulty];
    const challenge = await createChallenge({
      algorithm,
      hmacKey: this.hmacKey,
      maxnumber,
      params: { binding: options.binding },
      expires: new Date(this.now() + this.ttlSeconds * 1000),
    });
    return { ...challenge };
  }

  async verify(options: { challenge: Record<string, unknown>; solution: unknown; binding: string }): Promise<boolean> {
    try {
      const { challenge, binding } = options;
      const payload = parsePayload(options.solution);
      if (!payload || typeof binding !== 'string') return false;

      // The answer must be to exactly this challenge, not to another one the client holds.
      if (
        challenge.algorithm !== algorithm ||
        payload.challenge !== challenge.challenge ||
        payload.salt !== challenge.salt ||
        payload.signature !== challenge.signature
      ) {
        return false;
      }

      // Bound to this session, and not expired by our clock.
      const params = extractParams(payload);
      if (params.binding !== binding) return false;
      const expires = params.expires;
      if (expires === undefined || !/^\d+$/.test(expires)) return false;
      if (this.now() >= Number(expires) * 1000) return false;

      // The signature verifies with hmacKey and SHA-256(salt + number) is the challenge.
      return await verifySolution(payload, this.hmacKey, false);
    } catch {
      return false;
    }
  }
}

/** The widget's base64 JSON payload, or the object itself; anything else is `null`. */
function parsePayload(solution: unknown): AltchaV1Payload | null {
  let value: unknown = solution;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(atob(value));
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const { challenge, number, salt, signature } = record;
  if (
    record.algorithm !== algorithm ||
    typeof challenge !== 'string' ||
    typeof salt !== 'string' ||
    typeof signature !== 'string' ||
    typeof number !== 'number' ||
    !Number.isSafeInteger(number) ||
    number < 0
  ) {
    return null;
  }
  return { algorithm, challenge, number, salt, signature };
}
