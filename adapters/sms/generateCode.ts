import { createHmac, randomInt } from 'node:crypto';
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

/** How many CSPRNG bytes a code nonce has (see deriveCode). */
export const codeNonceBytes = 16;

/** A verification code drawn uniformly from the type's alphabet with the CSPRNG. */
export function generateCode(codeType: SmsCodeType, length: number): string {
  assertValidLength(length);
  const alphabet = smsCodeAlphabets[codeType];
  let code = '';
  for (let index = 0; index < length; index++) code += alphabet.charAt(randomInt(alphabet.length));
  return code;
}

/**
 * The code a nonce stands for under the HMAC key: the bytes of HMAC-SHA256(key, 'sms-code' ‖ 0 ‖
 * nonce ‖ block), block = 0, 1, …, each mapped onto the alphabet by rejection sampling (a byte at
 * or above the largest multiple of the alphabet's size is skipped), so every character is uniform
 * and independent. The input starts with a tag, so it never equals the JSON input of a code digest.
 */
export function deriveCode(hmacKey: Buffer | string, nonce: Buffer, codeType: SmsCodeType, length: number): string {
  assertValidLength(length);
  if (nonce.length < codeNonceBytes) throw new RangeError(`A code nonce must have at least ${codeNonceBytes} bytes`);
  const alphabet = smsCodeAlphabets[codeType];
  const limit = 256 - (256 % alphabet.length);
  let code = '';
  for (let block = 0; code.length < length; block++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(block);
    const bytes = createHmac('sha256', hmacKey).update('sms-code\0').update(nonce).update(counter).digest();
    for (const byte of bytes) {
      if (code.length === length) break;
      if (byte < limit) code += alphabet.charAt(byte % alphabet.length);
    }
  }
  return code;
}

function assertValidLength(length: number): void {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`A code length must be a positive integer, got ${length}`);
}
