import { getStateNodes, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

const timerPrefix = 'xstate.after.';

/**
 * XState v5 names the event of an `after:` delay `xstate.after.<delay>.<state node id>`: the delay's
 * name as the chart gives it (`numberAuthFallback`, or a number of ms), and the id of the state that
 * has the delay — the node's own `id` if the chart gives one (`proveNumber.uplinkSms`), else the
 * machine id followed by the node's path (`session.proveNumber.numberAuth.awaitingToken`).
 */
export interface TimerEventName {
  delay: string;
  stateId: string;
}

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
