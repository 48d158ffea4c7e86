import { __unsafe_getAllOwnEventDescriptors, type AnyMachineSnapshot } from 'xstate';
import {
  createSessionMachine,
  defaultPolicy,
  middleFourDigits,
  policySchema,
  scenes,
  type CarrierOutcome,
  type Platform,
  type Policy,
  type SceneCode,
  type SessionContext,
  type SessionEvent,
  type SessionInput,
  type SessionMachine,
} from '../../machines/index.js';

/**
 * The test model of a session: which machine events a user, the adapters and the clock can
 * produce in a given state, as a small finite set of representatives, one per guard outcome.
 * The model is untimed: every event happens at `modelTime.start` except a resend, which
 * happens when the last code allows it. The engine harness keeps its clock consistent with that.
 */

/** One policy on one platform: what a test session is started with. */
export interface ModelSubject {
  /** Short, unique, for test names and session ids. */
  name: string;
  policy: Policy;
  platform: Platform;
}

/** A machine event the model produces: any session event, or a delayed `xstate.after.*` event. */
export type ModelEvent = SessionEvent | { type: `xstate.after.${string}`; at: number };

export const modelTime = {
  start: 1_700_000_000_000,
  /** SMS_SENT and SMS_NOT_SENT (TOO_SOON) say a new code may be requested from then on. */
  resendAvailableAt: 1_700_000_000_000 + 60_000,
  codeExpiresAt: 1_700_000_000_000 + 300_000,
} as const;

/** Numbers the model uses; all valid 11-digit mainland mobile numbers, all different. */
export const modelNumbers = {
  /** The user's bound number, given by the app backend (scenes that need one). */
  bound: '13800000001',
  /** What a carrier returns for a one-click token. */
  carrier: '13912345678',
  /** What a user types on an `enterPhone` step (phase `user`, or a new number). */
  entered: '13700000002',
  /** Who sends the uplink SMS when the session does not know the number yet. */
  uplinkSender: '13600000003',
} as const;

export const uplinkCode = 'UP4821';

export function sessionInputOf(subject: ModelSubject, sessionId = `model-${subject.name}`): SessionInput {
  return {
    sessionId,
    schemeCode: modelSchemeCode,
    sceneCode: subject.policy.sceneCode,
    platform: subject.platform,
    ...(scenes[subject.policy.sceneCode].needsBoundPhoneNumber ? { boundPhoneNumber: modelNumbers.bound } : {}),
    device: {},
  };
}

export const modelSchemeCode = 'FA0000000001';

export function machineOf(subject: ModelSubject): SessionMachine {
  return createSessionMachine(subject.policy);
}

/** A policy derived from a scene's default; `change` edits a copy. */
export function policyVariant(sceneCode: SceneCode, change: (nodes: Policy['nodes']) => void): Policy {
  const policy = structuredClone(defaultPolicy(sceneCode));
  change(policy.nodes);
  return policySchema.parse(policy);
}

const risk = {
  safe: { score: 10, reasons: [], ruleHit: false },
  riskyScore: { score: 95, reasons: ['emulator'], ruleHit: false },
  riskyRule: { score: 10, reasons: ['frequency'], ruleHit: true },
} as const;

const oneClickCarrierResults: { outcome: CarrierOutcome; phoneNumber?: string; providerCode?: string }[] = [
  { outcome: 'ok', phoneNumber: modelNumbers.carrier },
  { outcome: 'timeout' },
  { outcome: 'error', providerCode: 'isp.UNKNOWN' },
  { outcome: 'invalid', providerCode: 'isv.INVALID_TOKEN' },
  { outcome: 'mismatch' },
];

const numberCheckCarrierResults: { outcome: CarrierOutcome; verifyResult?: 'PASS' | 'REJECT' | 'UNKNOWN'; providerCode?: string }[] = [
  { outcome: 'ok', verifyResult: 'PASS' },
  { outcome: 'ok', verifyResult: 'REJECT' },
  { outcome: 'mismatch' },
  { outcome: 'timeout' },
  { outcome: 'error', providerCode: 'isp.UNKNOWN' },
  { outcome: 'invalid', providerCode: 'isv.INVALID_TOKEN' },
];

/**
 * The events of the model for the state `snapshot` is in: only types the state handles
 * (its own event descriptors), each with representative payloads for every guard outcome.
 */
export function modelEvents(policy: Policy): (snapshot: AnyMachineSnapshot) => ModelEvent[] {
  return (snapshot) => {
    if (snapshot.status !== 'active') return [];
    const context = snapshot.context as SessionContext;
    const at = modelTime.start;
    const handled = __unsafe_getAllOwnEventDescriptors(snapshot);
    const stateTimers = handled.filter((type) => type.startsWith('xstate.after.') && !isSessionTtl(type));
    const events: ModelEvent[] = [];
    for (const type of handled) {
      switch (type) {
        case 'ENDPOINT_RISK_RESULT':
        case 'PHONE_RISK_RESULT':
          for (const assessment of Object.values(risk)) events.push({ type, ...assessment, reasons: [...assessment.reasons], at });
          break;
        case 'NUMBER_AUTH_TOKEN':
          events.push({ type, accessToken: 'carrier-access-token', at });
          break;
        case 'CARRIER_RESULT':
          for (const result of policy.nodes.numberAuth.mode === 'oneClick' ? oneClickCarrierResults : numberCheckCarrierResults) {
            events.push({ type, ...result, at });
          }
          break;
        case 'MIDDLE_DIGITS': {
          const right = middleFourDigits(context.phoneNumber ?? '');
          events.push({ type, digits: right, at }, { type, digits: right === '0000' ? '1111' : '0000', at });
          break;
        }
        case 'SWITCH_TO_SMS':
        case 'UPLINK_SMS_SENT':
        case 'CANCEL':
          events.push({ type, at });
          break;
        case 'PHONE_NUMBER':
          events.push({ type, phoneNumber: modelNumbers.entered, at });
          // In phase `new` the bound number itself must be refused.
          if (context.phase === 'new' && context.boundPhoneNumber) events.push({ type, phoneNumber: context.boundPhoneNumber, at });
          break;
        case 'SMS_SENT':
          events.push({ type, expiresAt: modelTime.codeExpiresAt, resendAvailableAt: modelTime.resendAvailableAt, at });
          break;
        case 'SMS_NOT_SENT':
          events.push({ type, reason: 'TOO_SOON', resendAvailableAt: modelTime.resendAvailableAt, at }, { type, reason: 'DAILY_LIMIT', at });
          break;
        case 'SMS_FAILED':
          events.push({ type, permanent: true, detail: 'invalid number', at });
          break;
        case 'SMS_CODE':
          for (const result of ['PASS', 'WRONG', 'EXPIRED', 'LOCKED'] as const) events.push({ type, result, at });
          break;
        case 'RESEND_SMS':
          // When the last code allows it; earlier the engine refuses it with 429 before the machine sees it.
          events.push({ type, at: modelTime.resendAvailableAt });
          break;
        case 'UPLINK_SMS_READY':
          events.push({ type, code: uplinkCode, receivingNumber: policy.nodes.uplinkSms.receivingNumber, expiresAt: modelTime.codeExpiresAt, at });
          break;
        case 'UPLINK_SMS_RECEIVED': {
          const from = context.phoneNumber ?? modelNumbers.uplinkSender;
          const code = context.uplink?.code ?? uplinkCode;
          events.push({ type, from, text: `My code is ${code}`, at }, { type, from, text: 'My code is UP0000', at });
          // A sender other than the number under proof does not prove it.
          if (context.phoneNumber) events.push({ type, from: modelNumbers.uplinkSender, text: `My code is ${code}`, at });
          break;
        }
        case 'CAPTCHA_READY':
          events.push({ type, challenge: { id: 'challenge-1' }, at });
          break;
        case 'CAPTCHA_SOLUTION':
          events.push({ type, result: 'PASS', at }, { type, result: 'FAIL', at });
          break;
        case 'VERIFY_TOKEN_ISSUED':
          events.push({ type, verifyToken: 'verify-token-1', expiresAt: modelTime.start + 600_000, at });
          break;
        default:
          if (type.startsWith('xstate.after.')) {
            // The engine's clock stays near the session start, so every state timer comes due
            // long before the session TTL: the TTL only fires in states that have no other timer.
            if (!isSessionTtl(type) || stateTimers.length === 0) events.push({ type: type as `xstate.after.${string}`, at });
          } else if (!type.startsWith('xstate.done.')) {
            throw new Error(`the model has no events for ${type}: teach tests/model/sessionModel.ts about it`);
          }
      }
    }
    return events;
  };
}

export function isSessionTtl(type: string): boolean {
  return type.startsWith('xstate.after.sessionTtl.');
}

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
