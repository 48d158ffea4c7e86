import { timerDelayOf } from '../../machines/timerEvents.js';

interface MachineAction {
  type: string;
  params?: unknown;
}

/**
 * The names of the actions a transition returned, for a report: named side effects as they are
 * (`sendSmsCode`, `exchangeCarrierToken`, `notifyApp`); a delayed `xstate.raise` of an `after:`
 * delay as `timer:<delay>` and its `xstate.cancel` as `timerCancelled:<delay>`. `assign` does not
 * show: XState applies it inside the transition and does not return it.
 */
export function summarizeActions(actions: readonly MachineAction[]): string[] {
  return actions.map(actionName);
}

function actionName(action: MachineAction): string {
  const params = (typeof action.params === 'object' && action.params !== null ? action.params : {}) as Record<string, unknown>;
  if (action.type === 'xstate.raise') {
    const id = typeof params.id === 'string' ? params.id : '';
    const delay = timerDelayOf(id);
    if (params.delay !== undefined && delay) return `timer:${delay}`;
    const event = params.event as { type?: unknown } | undefined;
    return typeof event?.type === 'string' ? `raise:${event.type}` : action.type;
  }
  if (action.type === 'xstate.cancel') {
    const delay = typeof params.sendId === 'string' ? timerDelayOf(params.sendId) : null;
    return delay ? `timerCancelled:${delay}` : action.type;
  }
  return action.type;
}
