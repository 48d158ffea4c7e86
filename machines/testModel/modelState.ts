import type { AnyMachineSnapshot } from 'xstate';
import type { SessionContext } from '../sessionContext.js';
import type { ModelEvent } from './modelEvents.js';

/**
 * The abstract state the path generator tells apart: the state value plus what a guard can still
 * read from the context. A counter counts only in the state whose guards read it (it is reset
 * before that state can be entered again): middle-digit tries in `middleDigits`, sends, wrong
 * codes and the resend time in `sms`, the uplink code in `uplinkSms`, CAPTCHA tries in a CAPTCHA.
 * Finished sessions are told apart by value only (nothing follows them).
 */
export function serializeModelState(snapshot: AnyMachineSnapshot): string {
  if (snapshot.status !== 'active') return JSON.stringify([snapshot.status, snapshot.value]);
  const c = snapshot.context as SessionContext;
  const at = new Set(stateNamesOf(snapshot.value));
  return JSON.stringify([
    snapshot.value,
    c.phoneNumber ?? null,
    c.provedByCarrier,
    at.has('middleDigits') ? c.middleDigitTries : null,
    at.has('sms') ? [c.smsSends, c.smsWrongTries, c.resendAvailableAt ?? null] : null,
    at.has('uplinkSms') ? (c.uplink?.code ?? null) : null,
    at.has('captcha') ? c.captchaTries : null,
  ]);
}

function stateNamesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => [key, ...stateNamesOf(child)]);
  return [];
}

export function serializeModelEvent(event: ModelEvent): string {
  return JSON.stringify(event);
}
