import type { AnyMachineSnapshot } from 'xstate';
import type { SessionContext } from './sessionContext.js';

export type SessionStatus = 'pending' | 'verified' | 'failed' | 'expired';

/** Times in a next action are ISO 8601 strings, as everywhere in the public API; the context keeps epoch milliseconds. */
export type NextAction =
  | { type: 'numberAuth'; fallbackAt?: string }
  | { type: 'middleDigits'; maskedPhoneNumber: string; triesLeft: number }
  | { type: 'enterPhone' }
  | {
      type: 'smsCode';
      phoneNumber: string;
      codeLength: number;
      resendAvailableAt: string | null;
      codeExpiresAt: string | null;
      lastResult: string | null;
      sendsLeft: number;
    }
  | { type: 'uplinkSms'; code: string; receivingNumber: string; expiresAt: string }
  | { type: 'captcha'; challenge: Record<string, unknown> }
  | { type: 'wait' }
  | { type: 'none' };

export interface NextActionLimits {
  codeLength: number;
  maxSends: number;
  maxMiddleDigitTries: number;
}

export function sessionStatus(snapshot: AnyMachineSnapshot): SessionStatus {
  if (snapshot.matches('verified')) return 'verified';
  if (snapshot.matches('expired')) return 'expired';
  if (snapshot.matches('failed')) return 'failed';
  return 'pending';
}

/** What the client should do next, derived from the state's tags and context. */
export function nextActionOf(snapshot: AnyMachineSnapshot, limits: NextActionLimits): NextAction {
  const context = snapshot.context as SessionContext;
  if (snapshot.hasTag('none') || snapshot.status !== 'active') return { type: 'none' };
  if (snapshot.hasTag('wait')) return { type: 'wait' };
  if (snapshot.hasTag('numberAuth')) return { type: 'numberAuth' };
  if (snapshot.hasTag('middleDigits')) {
    return {
      type: 'middleDigits',
      maskedPhoneNumber: maskPhoneNumber(context.phoneNumber ?? ''),
      triesLeft: limits.maxMiddleDigitTries - context.middleDigitTries,
    };
  }
  if (snapshot.hasTag('enterPhone')) return { type: 'enterPhone' };
  if (snapshot.hasTag('smsCode')) {
    return {
      type: 'smsCode',
      phoneNumber: maskPhoneNumber(context.phoneNumber ?? ''),
      codeLength: limits.codeLength,
      resendAvailableAt: context.smsSends < limits.maxSends ? isoTime(context.resendAvailableAt) : null,
      codeExpiresAt: isoTime(context.codeExpiresAt),
      lastResult: context.lastCodeResult ?? null,
      sendsLeft: limits.maxSends - context.smsSends,
    };
  }
  if (snapshot.hasTag('uplinkSms') && context.uplink) {
    return {
      type: 'uplinkSms',
      code: context.uplink.code,
      receivingNumber: context.uplink.receivingNumber,
      expiresAt: new Date(context.uplink.expiresAt).toISOString(),
    };
  }
  if (snapshot.hasTag('captcha') && context.captchaChallenge) return { type: 'captcha', challenge: context.captchaChallenge };
  return { type: 'wait' };
}

function isoTime(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}

/** `13812345678` → `138****5678`; shorter strings keep only their last four characters. */
export function maskPhoneNumber(phoneNumber: string): string {
  if (phoneNumber.length >= 11) return `${phoneNumber.slice(0, 3)}****${phoneNumber.slice(-4)}`;
  if (phoneNumber.length <= 4) return '****';
  return `****${phoneNumber.slice(-4)}`;
}
