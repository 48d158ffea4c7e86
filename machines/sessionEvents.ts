import type { Platform, SceneCode } from './policy/scenes.js';

/** Device signals the client sends when it opens a session; risk nodes read them. */
export interface DeviceSignals {
  platform?: string;
  osVersion?: string;
  appVersion?: string;
  packageName?: string;
  packageSign?: string;
  bundleId?: string;
  emulator?: boolean;
  rooted?: boolean;
  hooked?: boolean;
  cellularAvailable?: boolean;
  simOperator?: string;
  ip?: string;
  userAgent?: string;
  deviceId?: string;
}

export interface SessionInput {
  sessionId: string;
  schemeCode: string;
  sceneCode: SceneCode;
  platform: Platform;
  /** The user's bound number, given by the app backend (scenes 100002/100003/100005). */
  boundPhoneNumber?: string;
  device: DeviceSignals;
}

export type CarrierOutcome = 'ok' | 'timeout' | 'error' | 'invalid' | 'mismatch';
export type SmsCodeCheckResult = 'PASS' | 'WRONG' | 'EXPIRED' | 'LOCKED';

/** Every event carries `at`: the time (epoch ms) the engine accepted it. The machine never reads a clock. */
interface Stamped {
  at: number;
}

/** Events a client sends, as the machine sees them (secrets already checked by the engine). */
export type ClientEvent =
  | ({ type: 'NUMBER_AUTH_TOKEN'; accessToken: string } & Stamped)
  | ({ type: 'MIDDLE_DIGITS'; digits: string } & Stamped)
  | ({ type: 'SWITCH_TO_SMS' } & Stamped)
  | ({ type: 'PHONE_NUMBER'; phoneNumber: string } & Stamped)
  | ({ type: 'SMS_CODE'; result: SmsCodeCheckResult } & Stamped)
  | ({ type: 'RESEND_SMS' } & Stamped)
  | ({ type: 'UPLINK_SMS_SENT' } & Stamped)
  | ({ type: 'CAPTCHA_SOLUTION'; result: 'PASS' | 'FAIL' } & Stamped)
  | ({ type: 'CANCEL' } & Stamped);

export interface RiskAssessment {
  score: number;
  /** Why: the signals and rules that raised the score. */
  reasons: string[];
  /** A frequency rule of the policy was hit. */
  ruleHit: boolean;
}

/** Results of the shell's actions, fed back through the same path. */
export type ResultEvent =
  | ({ type: 'ENDPOINT_RISK_RESULT' } & RiskAssessment & Stamped)
  | ({ type: 'PHONE_RISK_RESULT' } & RiskAssessment & Stamped)
  | ({
      type: 'CARRIER_RESULT';
      outcome: CarrierOutcome;
      phoneNumber?: string;
      verifyResult?: 'PASS' | 'REJECT' | 'UNKNOWN';
      providerCode?: string;
      providerRef?: string;
    } & Stamped)
  | ({
      type: 'SMS_SENT';
      expiresAt: number;
      resendAvailableAt: number;
      /** The provider's id of the send (BizId), for audit. */
      bizId?: string;
      /** For the trace: why no SMS actually left (deny list, a limit). */
      suppressed?: string;
    } & Stamped)
  /** The code engine refused to send now: too soon after the last code, or the number's daily cap. */
  | ({ type: 'SMS_NOT_SENT'; reason: 'TOO_SOON' | 'DAILY_LIMIT'; resendAvailableAt?: number; /** Which limit, for the trace. */ limit?: string } & Stamped)
  /** The SMS could not be delivered: at once for a permanent failure, else after the last retry. */
  | ({ type: 'SMS_FAILED'; permanent: boolean; detail: string } & Stamped)
  | ({ type: 'UPLINK_SMS_READY'; code: string; receivingNumber: string; expiresAt: number } & Stamped)
  | ({ type: 'UPLINK_SMS_RECEIVED'; from: string; text: string } & Stamped)
  | ({ type: 'CAPTCHA_READY'; challenge: Record<string, unknown> } & Stamped)
  | ({ type: 'VERIFY_TOKEN_ISSUED'; verifyToken: string; expiresAt: number; phoneScore?: number } & Stamped);

export type SessionEvent = ClientEvent | ResultEvent;

export const clientEventTypes = [
  'NUMBER_AUTH_TOKEN',
  'MIDDLE_DIGITS',
  'SWITCH_TO_SMS',
  'PHONE_NUMBER',
  'SMS_CODE',
  'RESEND_SMS',
  'UPLINK_SMS_SENT',
  'CAPTCHA_SOLUTION',
  'CANCEL',
] as const satisfies readonly ClientEvent['type'][];
