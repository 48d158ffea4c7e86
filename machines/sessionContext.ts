import type { ProofPhase } from './policy/scenes.js';
import type { RiskAssessment, SessionInput, SmsCodeCheckResult } from './sessionEvents.js';

export type ProofMethod = 'numberAuth' | 'smsCode' | 'uplinkSms';

export type FailureReason =
  | 'blocked'
  | 'cancelled'
  | 'carrier_error'
  | 'too_many_wrong_codes'
  | 'sms_sends_exhausted'
  | 'sms_unavailable'
  | 'uplink_timeout'
  | 'captcha_failed'
  | 'no_proof_available';

/** The input a session starts with, and what it learns on the way. */
export interface SessionContext extends SessionInput {
  /** The phase in progress and the numbers proved so far. */
  phase?: ProofPhase;
  provedNumbers: Partial<Record<ProofPhase, string>>;
  /** The number under proof in the current phase, once known. */
  phoneNumber?: string;
  /** A carrier proved the number; phone risk and (H5) the middle digits still stand between it and `proved`. */
  provedByCarrier: boolean;
  method?: ProofMethod;
  middleDigitTries: number;
  smsSends: number;
  smsWrongTries: number;
  lastCodeResult?: SmsCodeCheckResult;
  resendAvailableAt?: number;
  codeExpiresAt?: number;
  uplink?: { code: string; receivingNumber: string; expiresAt: number };
  captchaTries: number;
  captchaChallenge?: Record<string, unknown>;
  endpointRisk?: RiskAssessment;
  phoneRisk?: RiskAssessment;
  carrierFailure?: { outcome: string; providerCode?: string };
  failureReason?: FailureReason;
  verifyToken?: string;
  verifyTokenExpiresAt?: number;
  phoneScore?: number;
}

/**
 * What a session knows before it has learnt anything: the context's starting values beside its
 * input. Frozen, so every session can share them: the machine replaces values, it never edits one.
 */
export const contextDefaults = {
  provedNumbers: Object.freeze({}),
  provedByCarrier: false,
  middleDigitTries: 0,
  smsSends: 0,
  smsWrongTries: 0,
  captchaTries: 0,
} as const satisfies Partial<SessionContext>;
Object.freeze(contextDefaults);
