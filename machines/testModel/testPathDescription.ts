import type { AnyMachineSnapshot } from 'xstate';
import { dottedStatePath } from '../dottedStatePath.js';
import type { Policy } from '../policy/policySchema.js';
import type { FailureReason, SessionContext } from '../sessionContext.js';
import type { ModelStep } from './exploreModel.js';
import { eventLabel } from './pathLabels.js';

/**
 * A path for people, in one line: how it ends, its events, where it ends. A verified path says how
 * each number was proved (`one-click`, `number check`, `SMS code`, `uplink SMS`; several phases
 * joined by `, then `), a failed one why it failed:
 *
 *   `one-click: ENDPOINT_RISK_RESULT(score 10) → NUMBER_AUTH_TOKEN → CARRIER_RESULT(ok) → … → verified`
 *   `cancelled: CANCEL → failed`
 */
export function testPathDescription(policy: Policy, initial: AnyMachineSnapshot, steps: readonly ModelStep[]): string {
  const last = steps.at(-1)?.state ?? initial;
  const events = steps.map((step) => eventLabel(step.event));
  return `${outcomeOf(policy, initial, steps, last)}: ${[...events, dottedStatePath(last.value)].join(' → ')}`;
}

function outcomeOf(policy: Policy, initial: AnyMachineSnapshot, steps: readonly ModelStep[], last: AnyMachineSnapshot): string {
  if (last.status !== 'done') return 'unfinished';
  const context = last.context as SessionContext;
  if (last.value === 'verified') return proofMethodsOf(policy, initial, steps).join(', then ') || 'verified';
  if (last.value === 'failed' && context.failureReason) return failureWords[context.failureReason];
  return String(last.value);
}

/** How each phase's number was proved, in the order the phases were proved. */
function proofMethodsOf(policy: Policy, initial: AnyMachineSnapshot, steps: readonly ModelStep[]): string[] {
  const methods: string[] = [];
  let proved = Object.keys((initial.context as SessionContext).provedNumbers).length;
  for (const step of steps) {
    const now = Object.keys((step.state.context as SessionContext).provedNumbers).length;
    // Only an SMS code or an uplink SMS ends their own proofs; a phase proved by any other step was proved by its carrier.
    for (; proved < now; proved++) methods.push(methodWords[step.event.type] ?? (policy.nodes.numberAuth.mode === 'oneClick' ? 'one-click' : 'number check'));
  }
  return methods;
}

const methodWords: Record<string, string> = { SMS_CODE: 'SMS code', UPLINK_SMS_RECEIVED: 'uplink SMS' };

const failureWords: Record<FailureReason, string> = {
  blocked: 'blocked',
  cancelled: 'cancelled',
  carrier_error: 'carrier error',
  too_many_wrong_codes: 'too many wrong codes',
  sms_sends_exhausted: 'SMS sends exhausted',
  sms_unavailable: 'SMS unavailable',
  uplink_timeout: 'uplink SMS timed out',
  captcha_failed: 'CAPTCHA failed',
  no_proof_available: 'no proof available',
};
