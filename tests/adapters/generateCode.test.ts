import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCode, smsCodeAlphabets } from '../../adapters/sms/generateCode.js';
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
