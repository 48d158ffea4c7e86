import { isTimerEventType } from '../timerEvents.js';
import { __unsafe_getAllOwnEventDescriptors, type AnyMachineSnapshot } from 'xstate';
import { middleFourDigits } from '../createSessionMachine.js';
import type { Policy } from '../policy/policySchema.js';
import type { SessionContext } from '../sessionContext.js';
import type { CarrierOutcome, SessionEvent } from '../sessionEvents.js';
import { modelNumbers, modelTime, uplinkCode } from './modelSession.js';

/**
 * The events of the test model: which machine events a user, the adapters and the clock can
 * produce in a given state, as a small finite set of representatives, one per guard outcome.
 */

/** A machine event the model produces: any session event, or a delayed `xstate.after.*` event. */
export type ModelEvent = SessionEvent | { type: `xstate.after.${string}`; at: number };

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
    const stateTimers = handled.filter((type) => isTimerEventType(type) && !isSessionTtl(type));
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
          if (isTimerEventType(type)) {
            // The engine's clock stays near the session start, so every state timer comes due
            // long before the session TTL: the TTL only fires in states that have no other timer.
            if (!isSessionTtl(type) || stateTimers.length === 0) events.push({ type: type as `xstate.after.${string}`, at });
          } else if (!type.startsWith('xstate.done.')) {
            throw new Error(`the model has no events for ${type}: teach machines/testModel/modelEvents.ts about it`);
          }
      }
    }
    return events;
  };
}

export function isSessionTtl(type: string): boolean {
  return type.startsWith('xstate.after.sessionTtl.');
}
