import type { TimerEntry } from '../stores/sessionStore.js';

interface XStateAction {
  type: string;
  params?: unknown;
}

/**
 * XState returns `xstate.raise` with a delay when a state with `after:` is entered and
 * `xstate.cancel` when it is left. The session keeps them as durable timers (due time, not
 * remaining time), so they survive restarts and can be delivered by any process.
 */
export function applyTimerActions(
  timers: Record<string, TimerEntry>,
  actions: readonly XStateAction[],
  eventType: string,
  at: number,
): Record<string, TimerEntry> {
  const next = { ...timers };
  delete next[eventType]; // a timer that has just fired is spent
  for (const action of actions) {
    if (action.type === 'xstate.raise') {
      const params = action.params as { id?: string; delay?: number; event: { type: string } };
      if (params.delay !== undefined && params.id) next[params.id] = { event: { type: params.event.type }, dueAt: at + params.delay };
    } else if (action.type === 'xstate.cancel') {
      const params = action.params as { sendId: string };
      delete next[params.sendId];
    }
  }
  return next;
}

export function dueTimers(timers: Record<string, TimerEntry>, now: number): { id: string; timer: TimerEntry }[] {
  return Object.entries(timers)
    .filter(([, timer]) => timer.dueAt <= now)
    .sort(([, a], [, b]) => a.dueAt - b.dueAt)
    .map(([id, timer]) => ({ id, timer }));
}

export function isSideEffect(action: XStateAction): boolean {
  return !action.type.startsWith('xstate.');
}
