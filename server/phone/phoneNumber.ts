import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';

/**
 * Numbers are kept as the vendor keeps them: 11 national digits for mainland China
 * (`13812345678`), E.164 for anything else. Returns null for anything that is not a
 * valid mobile number.
 */
export function normalizePhoneNumber(input: string, defaultCountry: CountryCode = 'CN'): string | null {
  try {
    const parsed = parsePhoneNumberWithError(input.trim(), defaultCountry);
    if (!parsed.isValid()) return null;
    const type = parsed.getType();
    if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
    return parsed.country === 'CN' ? (parsed.nationalNumber as string) : parsed.number;
  } catch {
    return null;
  }
}

export { maskPhoneNumber } from '../../machines/index.js';
