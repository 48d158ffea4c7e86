import { getStateNodes, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

const timerPrefix = 'xstate.after.';

/**
 * XState v5 names the event of an `after:` delay `xstate.after.<delay>.<state node id>`: the delay's
 * name as the chart gives it (`numberAuthFallback`, or a number of ms), and the id of the state that
 * has the delay — the node's own `id` if the chart gives one (`proveNumber.uplinkSms`), else the
 * machine id followed by the node's path (`session.proveNumber.numberAuth.awaitingToken`).
 * This file is the one reader of those names and of the actions that set and clear the timers.
 */
export interface TimerEventName {
  delay: string;
  stateId: string;
}

/** Durable timers: the due time (epoch ms) of each timer a session holds, by its event type. */
export type TimerSchedule = Readonly<Record<string, number>>;

export function isTimerEventType(type: string): boolean {
  return type.startsWith(timerPrefix);
}

export function parseTimerEventType(type: string): TimerEventName | null {
  if (!isTimerEventType(type)) return null;
  const rest = type.slice(timerPrefix.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { delay: rest.slice(0, dot), stateId: rest.slice(dot + 1) };
}

/** The delay name of a timer event (or send id), or null when the type is not a timer's. */
export function timerDelayOf(type: string): string | null {
  return parseTimerEventType(type)?.delay ?? null;
}

/** A delay of a state the snapshot is in. */
export interface ActiveTimer {
  eventType: string;
  delay: string;
  stateId: string;
  /** The state's path from the root, without the machine id: `proveNumber.numberAuth.awaitingToken`; `''` for the root. */
  statePath: string;
}

/** Every `after:` delay of the states the snapshot is in, root first. */
export function activeTimersOf(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): ActiveTimer[] {
  const timers = new Map<string, ActiveTimer>();
  for (const node of getStateNodes(machine.root, snapshot.value)) {
    for (const transition of node.after) {
      if (!timers.has(transition.eventType)) {
        timers.set(transition.eventType, {
          eventType: transition.eventType,
          delay: String(transition.delay),
          stateId: node.id,
          statePath: node.path.join('.'),
        });
      }
    }
  }
  return [...timers.values()];
}

/** How a recorded timer event was found among the candidate's timers. */
export type TimerMatch = 'sameEvent' | 'statePath' | 'delayOnly';

/**
 * The candidate's timer that stands for a timer event recorded on another machine: the same event
 * if the candidate has it; else the same delay on the state with the same path (the two machines'
 * ids differ: `<recorded id>.<path>` against the candidate's `<its id>.<path>`, or the root); else
 * the only active delay of that name. Null when the candidate's states have no such delay.
 */
export function matchTimerEvent(recordedType: string, active: readonly ActiveTimer[]): { timer: ActiveTimer; by: TimerMatch } | null {
  const exact = active.find((timer) => timer.eventType === recordedType);
  if (exact) return { timer: exact, by: 'sameEvent' };
  const recorded = parseTimerEventType(recordedType);
  if (!recorded) return null;
  const sameDelay = active.filter((timer) => timer.delay === recorded.delay);
  const byPath = sameDelay.find((timer) =>
    timer.statePath === '' ? !recorded.stateId.includes('.') : recorded.stateId === timer.statePath || recorded.stateId.endsWith(`.${timer.statePath}`),
  );
  if (byPath) return { timer: byPath, by: 'statePath' };
  return sameDelay.length === 1 ? { timer: sameDelay[0]!, by: 'delayOnly' } : null;
}

interface MachineAction {
  type: string;
  params?: unknown;
}

/**
 * The schedule after a step. XState returns `xstate.raise` with a delay when a state with `after:` is
 * entered and `xstate.cancel` when it is left; the timer that has just fired (if the event was one) is
 * spent. Due times, not remaining times, so a schedule survives restarts and any process can deliver it.
 */
export function nextTimerSchedule(schedule: TimerSchedule, actions: readonly MachineAction[], eventType: string, at: number): TimerSchedule {
  const next: Record<string, number> = { ...schedule };
  delete next[eventType];
  for (const action of actions) {
    const set = timerSetBy(action);
    if (set) next[set.eventType] = at + set.delayMs;
    const cancelled = timerCancelledBy(action);
    if (cancelled) delete next[cancelled];
  }
  return next;
}

/** The timer a `xstate.raise` with a delay sets, or null for any other action. */
export function timerSetBy(action: MachineAction): { eventType: string; delayMs: number } | null {
  if (action.type !== 'xstate.raise') return null;
  const params = action.params as { id?: unknown; delay?: unknown } | undefined;
  return typeof params?.id === 'string' && typeof params.delay === 'number' ? { eventType: params.id, delayMs: params.delay } : null;
}

/** The timer a `xstate.cancel` clears, or null for any other action. */
export function timerCancelledBy(action: MachineAction): string | null {
  if (action.type !== 'xstate.cancel') return null;
  const sendId = (action.params as { sendId?: unknown } | undefined)?.sendId;
  return typeof sendId === 'string' ? sendId : null;
}

/** An action of XState's own (`xstate.raise`, `xstate.cancel`, …) rather than a named action of the chart. */
export function isBuiltInAction(action: MachineAction): boolean {
  return action.type.startsWith('xstate.');
}

/** A timer that was set and has not fired or been cancelled. */
export interface PendingTimer {
  eventType: string;
  delay: string;
  /** Epoch ms. */
  dueAt: number;
}

/** Pending timers, soonest first (ties by event type, so the order never depends on insertion). */
export function pendingTimersOf(schedule: TimerSchedule): PendingTimer[] {
  return Object.entries(schedule)
    .map(([eventType, dueAt]) => ({ eventType, delay: timerDelayOf(eventType) ?? eventType, dueAt }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0));
}

/** The timers due at `now`, soonest first. */
export function dueTimersOf(schedule: TimerSchedule, now: number): PendingTimer[] {
  return pendingTimersOf(schedule).filter((timer) => timer.dueAt <= now);
}

/** The earliest due time of a schedule, or null when it holds no timer. */
export function earliestDueOf(schedule: TimerSchedule): number | null {
  let earliest: number | null = null;
  for (const dueAt of Object.values(schedule)) if (earliest === null || dueAt < earliest) earliest = dueAt;
  return earliest;
}
