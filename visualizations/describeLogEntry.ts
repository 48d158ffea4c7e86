import { isTimerEventType, timerDelayOf } from '../machines/timerEvents.js';
import { clientEventTypes, maskPhoneNumber } from '../machines/index.js';
import type { SessionTimelineEntry } from './sessionTimelineEntry.js';

/** Where an entry comes from: the session opening, the client, a result of the shell's work, a timer, or a finished effect. */
export type LogEntryCategory = 'start' | 'client' | 'result' | 'timer' | 'effect';

export interface LogEntryDescription {
  category: LogEntryCategory;
  /** `SMS_CODE`, `timer: numberAuthFallback`, `effect: notifyApp`, `session opened`. */
  title: string;
  /** The entry's telling fields, safe to show: phone numbers masked, secrets never shown. */
  details: { name: string; value: string }[];
}

/** The value the engine writes in place of a secret; shown exactly so. */
export const redacted = '[redacted]';

/** Fields shown per event type, in this order; other types show their plain fields but the secret ones. */
const detailFields: Record<string, readonly string[]> = {
  NUMBER_AUTH_TOKEN: ['accessToken'],
  MIDDLE_DIGITS: ['digits'],
  SWITCH_TO_SMS: [],
  PHONE_NUMBER: ['phoneNumber'],
  SMS_CODE: ['result', 'code'],
  RESEND_SMS: [],
  UPLINK_SMS_SENT: [],
  CAPTCHA_SOLUTION: ['result'],
  CANCEL: [],
  ENDPOINT_RISK_RESULT: ['score', 'ruleHit', 'reasons'],
  PHONE_RISK_RESULT: ['score', 'ruleHit', 'reasons'],
  CARRIER_RESULT: ['outcome', 'verifyResult', 'providerCode', 'phoneNumber'],
  SMS_SENT: ['suppressed', 'bizId'],
  SMS_NOT_SENT: ['reason', 'limit'],
  SMS_FAILED: ['permanent', 'detail'],
  UPLINK_SMS_READY: ['receivingNumber'],
  UPLINK_SMS_RECEIVED: ['from'],
  CAPTCHA_READY: [],
  VERIFY_TOKEN_ISSUED: ['verifyToken', 'phoneScore'],
};

/** Never shown with their value: a value here shows as `[redacted]` if the log redacted it, else `[hidden]`. */
const secretFields = new Set(['accessToken', 'verifyToken', 'code', 'digits', 'text', 'challenge', 'secret', 'password', 'token']);
/** Phone numbers, shown masked (`138****5678`). */
const phoneFields = new Set(['phoneNumber', 'from', 'to', 'boundPhoneNumber']);
/** Longest value shown in full; longer ones are cut with `…` (never a `[redacted]`). */
const maxValueLength = 60;

/** What a timeline row says about one log entry. */
export function describeLogEntry(entry: SessionTimelineEntry): LogEntryDescription {
  const payload = entry.payload ?? {};
  if (entry.kind === 'init') {
    const input = isRecord(payload.input) ? payload.input : {};
    const details = fieldsOf({ ...input, policyVersion: payload.policyVersion }, ['sceneCode', 'platform', 'schemeCode', 'policyVersion', 'boundPhoneNumber']);
    return { category: 'start', title: 'session opened', details };
  }
  if (entry.kind === 'effect') {
    return { category: 'effect', title: `effect: ${typeof payload.action === 'string' ? payload.action : 'done'}`, details: [] };
  }
  const type = typeof payload.type === 'string' ? payload.type : 'event';
  if (isTimerEventType(type)) {
    return { category: 'timer', title: `timer: ${timerDelayOf(type) ?? 'delay'}`, details: [] };
  }
  const category: LogEntryCategory = (clientEventTypes as readonly string[]).includes(type) ? 'client' : 'result';
  const fields = detailFields[type] ?? Object.keys(payload).filter((name) => name !== 'type' && name !== 'at');
  return { category, title: type, details: fieldsOf(payload, fields) };
}

function fieldsOf(source: Record<string, unknown>, names: readonly string[]): { name: string; value: string }[] {
  const details: { name: string; value: string }[] = [];
  for (const name of names) {
    const value = shownValue(name, source[name]);
    if (value !== undefined) details.push({ name, value });
  }
  return details;
}

/** A field's value as the timeline shows it, or nothing for an absent or unshowable (nested) value. */
function shownValue(name: string, value: unknown): string | undefined {
  if (value === redacted) return redacted;
  if (value === undefined || value === null) return undefined;
  if (secretFields.has(name)) return '[hidden]';
  if (phoneFields.has(name) && typeof value === 'string') return maskPhoneNumber(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') return cut(value);
  if (Array.isArray(value)) {
    const items = value.filter((item) => ['string', 'number', 'boolean'].includes(typeof item)).map(String);
    return items.length > 0 ? cut(items.join(', ')) : undefined;
  }
  return undefined;
}

function cut(text: string): string {
  return text.length > maxValueLength ? `${text.slice(0, maxValueLength - 1)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
