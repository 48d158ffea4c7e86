import type { SendCodeRequest } from '../../../adapters/sms/smsVerification.js';

/** A send request with the service's default SMS settings (6 digits, 5 min, 60 s interval, 5 tries). */
export function sendCodeRequest(scope: string, phoneNumber: string, overrides: Partial<SendCodeRequest> = {}): SendCodeRequest {
  return {
    scope,
    phoneNumber,
    codeLength: 6,
    codeType: 'digits',
    validitySeconds: 300,
    resendIntervalSeconds: 60,
    duplicatePolicy: 'replace',
    maxWrongTries: 5,
    ...overrides,
  };
}
