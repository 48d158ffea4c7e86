import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveCode, generateCode, smsCodeAlphabets } from '../../adapters/sms/generateCode.js';
import type { SmsCodeType } from '../../adapters/sms/smsVerification.js';

const codeTypes = Object.keys(smsCodeAlphabets) as SmsCodeType[];

describe('generateCode', () => {
  it('has the alphabets of the vendor’s CodeType 1–7', () => {
    expect(smsCodeAlphabets).toEqual({
      digits: '0123456789',
      upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      lower: 'abcdefghijklmnopqrstuvwxyz',
      mixedCase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      digitsUpper: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      digitsLower: '0123456789abcdefghijklmnopqrstuvwxyz',
      any: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    });
  });

  it('draws every character of a code of any type and length from that type’s alphabet', () => {
    fc.assert(
      fc.property(fc.constantFrom(...codeTypes), fc.integer({ min: 1, max: 16 }), (codeType, length) => {
        const code = generateCode(codeType, length);
        expect(code).toHaveLength(length);
        for (const character of code) expect(smsCodeAlphabets[codeType]).toContain(character);
      }),
    );
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(generateCode('any', 5000));
    expect(seen.size).toBe(smsCodeAlphabets.any.length);
  });

  it('refuses a length that is not a positive integer', () => {
    expect(() => generateCode('digits', 0)).toThrow(RangeError);
    expect(() => generateCode('digits', 4.5)).toThrow(RangeError);
  });
});

describe('deriveCode', () => {
  const hmacKey = 'test-hmac-key-of-at-least-16-bytes';
  const nonceOf = (index: number) => {
    const nonce = Buffer.alloc(16);
    nonce.writeUInt32BE(index);
    return nonce;
  };

  it('derives the same code from the same key and nonce, and another from another nonce or key', () => {
    const code = deriveCode(hmacKey, nonceOf(1), 'any', 8);
    expect(deriveCode(hmacKey, nonceOf(1), 'any', 8)).toBe(code);
    expect(deriveCode(hmacKey, nonceOf(2), 'any', 8)).not.toBe(code);
    expect(deriveCode('another-key-of-at-least-16-bytes', nonceOf(1), 'any', 8)).not.toBe(code);
  });

  it('draws every character of a code of any type and length from that type’s alphabet', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...codeTypes),
        fc.integer({ min: 1, max: 80 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (codeType, length, nonce) => {
          const code = deriveCode(hmacKey, Buffer.from(nonce), codeType, length);
          expect(code).toHaveLength(length);
          for (const character of code) expect(smsCodeAlphabets[codeType]).toContain(character);
        },
      ),
    );
  });

  it('has no modulo bias: the last characters of a 52-character alphabet are as frequent as the first', () => {
    // 256 = 4·52 + 48: a plain byte % 52 would draw the first 48 characters 5 times in 256 and the last 4 only 4 times.
    const alphabet = smsCodeAlphabets.mixedCase;
    let characters = 0;
    let lastFour = 0;
    for (let index = 0; index < 4000; index++) {
      for (const character of deriveCode(hmacKey, nonceOf(index), 'mixedCase', 8)) {
        characters++;
        if (alphabet.indexOf(character) >= 48) lastFour++;
      }
    }
    // Uniform: 4/52 of 32000 ≈ 2462 (σ ≈ 48); with the bias it would be 4/256 · 4 of 32000 = 2000.
    expect(lastFour / characters).toBeGreaterThan(0.072);
    expect(lastFour / characters).toBeLessThan(0.082);
  });

  it('uses the whole alphabet', () => {
    expect(new Set(deriveCode(hmacKey, nonceOf(0), 'any', 5000)).size).toBe(smsCodeAlphabets.any.length);
  });

  it('refuses a nonce shorter than 16 bytes and a length that is not a positive integer', () => {
    expect(() => deriveCode(hmacKey, Buffer.alloc(15), 'digits', 6)).toThrow(RangeError);
    expect(() => deriveCode(hmacKey, nonceOf(0), 'digits', 0)).toThrow(RangeError);
    expect(() => deriveCode(hmacKey, nonceOf(0), 'digits', 4.5)).toThrow(RangeError);
  });
});
