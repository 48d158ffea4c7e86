import { randomInt } from 'node:crypto';
import type { SmsCodeType } from './smsVerification.js';

const digits = '0123456789';
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const lower = 'abcdefghijklmnopqrstuvwxyz';

/** The characters a code of each type is drawn from (the vendor's CodeType 1–7, in order). */
export const smsCodeAlphabets: Readonly<Record<SmsCodeType, string>> = {
  digits,
  upper,
  lower,
  mixedCase: upper + lower,
  digitsUpper: digits + upper,
  digitsLower: digits + lower,
  any: digits + upper + lower,
};

/** A verification code drawn uniformly from the type's alphabet with the CSPRNG. */
export function generateCode(codeType: SmsCodeType, length: number): string {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`A code length must be a positive integer, got ${length}`);
  const alphabet = smsCodeAlphabets[codeType];
  let code = '';
  for (let index = 0; index < length; index++) code += alphabet.charAt(randomInt(alphabet.length));
  return code;
}
