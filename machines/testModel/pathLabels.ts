import { isTimerEventType, timerDelayOf } from '../timerEvents.js';
import type { SessionEvent } from '../sessionEvents.js';
import type { ModelPath } from './exploreModel.js';
import type { ModelEvent } from './modelEvents.js';

/**
 * A short label of a machine event for people: its type and, in brackets, what a guard reads of
 * its payload (not its time): `CARRIER_RESULT(ok)`, `SMS_CODE(WRONG)`, `PHONE_RISK_RESULT(score 95)`,
 * `after(numberAuthFallback)` for a delayed event. The model's events in one state all get different labels.
 */
export function eventLabel(event: ModelEvent): string {
  if (isTimerEventType(event.type)) return `after(${timerDelayOf(event.type) ?? event.type})`;
  const details = detailsOf(event as SessionEvent).filter((detail) => detail !== undefined && detail !== '');
  return details.length > 0 ? `${event.type}(${details.join(', ')})` : event.type;
}

function detailsOf(event: SessionEvent): (string | undefined)[] {
  switch (event.type) {
    case 'ENDPOINT_RISK_RESULT':
    case 'PHONE_RISK_RESULT':
      return [`score ${event.score}`, event.ruleHit ? 'rule hit' : undefined];
    case 'CARRIER_RESULT':
      return [event.outcome, event.verifyResult];
    case 'MIDDLE_DIGITS':
      return [event.digits];
    case 'PHONE_NUMBER':
      return [event.phoneNumber];
    case 'SMS_CODE':
    case 'CAPTCHA_SOLUTION':
      return [event.result];
    case 'SMS_NOT_SENT':
      return [event.reason];
    case 'SMS_FAILED':
      return [event.permanent ? 'permanent' : 'after retries'];
    case 'UPLINK_SMS_RECEIVED':
      return [`from ${event.from}: "${event.text}"`];
    case 'NUMBER_AUTH_TOKEN':
    case 'SWITCH_TO_SMS':
    case 'SMS_SENT':
    case 'RESEND_SMS':
    case 'UPLINK_SMS_READY':
    case 'UPLINK_SMS_SENT':
    case 'CAPTCHA_READY':
    case 'VERIFY_TOKEN_ISSUED':
    case 'CANCEL':
      return [];
  }
}

/** `EVENT → state value` per step, one step a line: for failure messages. */
export function describePath(path: ModelPath): string {
  return path.steps.map((step) => `${eventLabel(step.event)} → ${JSON.stringify(step.state.value)}`).join('\n  ');
}
