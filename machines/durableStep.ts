import { createActor, type AnyActorScope, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { isActionName, type NamedAction } from './actionCatalogue.js';
import type { SessionMachine } from './createSessionMachine.js';
import { contextDefaults, type SessionContext } from './sessionContext.js';
import type { SessionEvent, SessionInput } from './sessionEvents.js';
import { isBuiltInAction, nextTimerSchedule, type TimerSchedule } from './timerEvents.js';

export type SessionSnapshot = SnapshotFrom<SessionMachine>;

/** A timer's event as the shell delivers it when the timer is due: `at` is the due time. */
export type TimerEvent = { type: `xstate.after.${string}`; at: number };

/** What the machine is given in a step: a session event (it carries `at`, the time) or a due timer. */
export type StepEvent = SessionEvent | TimerEvent;

/** A session between steps: the machine's snapshot and its durable timers. */
export interface DurableSession {
  snapshot: SessionSnapshot;
  timers: TimerSchedule;
}

export interface DurableStep extends DurableSession {
  /** The named actions of the chart to carry out, in order (XState's own actions left out). */
  actions: NamedAction[];
  /** Every action the transition returned, XState's timer raises and cancels included (for reports). */
  machineActions: readonly { type: string; params?: unknown }[];
}

/**
 * The one pure step of a session, used by the engine, replay, what-if replay and the charts:
 * `(machine, {snapshot, timers}, event) → {snapshot, timers, actions}`. No clock (time is
 * `event.at`), no I/O; the same inputs always give the same step.
 */
export function durableStep(machine: SessionMachine, session: DurableSession, event: StepEvent): DurableStep {
  const { scope, collected } = scopeOf(machine);
  collected.length = 0;
  const snapshot = machine.transition(session.snapshot, event as SessionEvent, scope) as SessionSnapshot;
  return stepOf(snapshot, session.timers, collected.splice(0), event.type, event.at);
}

/** The first step of a session: its initial state, timers and actions. */
export function durableStart(machine: SessionMachine, input: SessionInput, at: number): DurableStep {
  const { scope, collected } = scopeOf(machine);
  collected.length = 0;
  const snapshot = machine.getInitialSnapshot(scope, input) as SessionSnapshot;
  return stepOf(snapshot, {}, collected.splice(0), '', at);
}

/** Whether the snapshot's state takes the event at all (a guard may still keep it where it is). */
export function acceptsEvent(snapshot: SessionSnapshot, event: StepEvent): boolean {
  return snapshot.status === 'active' && snapshot.can(event as SessionEvent);
}

/** The fields of the context that the session record keeps anyway: not stored twice. */
const contextFromRecord = ['sessionId', 'schemeCode', 'sceneCode', 'platform'] as const;

export type SessionIdentity = Pick<SessionInput, (typeof contextFromRecord)[number]>;

/** What a session keeps of its snapshot: the state value and the context; the rest (status, tags, the record's fields) is derived. */
export interface StoredSnapshot {
  value: unknown;
  context: Record<string, unknown>;
}

export function storedSnapshotOf(snapshot: SessionSnapshot): StoredSnapshot {
  const context: Record<string, unknown> = { ...(snapshot.context as unknown as Record<string, unknown>) };
  for (const field of contextFromRecord) delete context[field];
  // A value still at its start is not written down (it comes back on restore).
  for (const [field, start] of Object.entries(contextDefaults)) {
    if (isStartingValue(context[field], start)) delete context[field];
  }
  for (const [field, value] of Object.entries(context)) if (value === undefined) delete context[field];
  return { value: snapshot.value, context };
}

/** Whether a context value is still its starting value: the same number or flag, or a still empty record. */
function isStartingValue(value: unknown, start: unknown): boolean {
  if (typeof start !== 'object' || start === null) return value === start;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0 && Object.keys(start).length === 0;
}

/** The live snapshot of a stored one; throws when the stored state no longer fits the machine. */
export function restoreSnapshot(machine: SessionMachine, stored: StoredSnapshot, identity: SessionIdentity): SessionSnapshot {
  const context = { ...contextDefaults, ...stored.context, ...identity } as unknown as SessionContext;
  const snapshot = machine.resolveState({ value: stored.value as SessionSnapshot['value'], context });
  if (snapshot.status === 'error') throw new Error('stored session snapshot does not fit its machine');
  return snapshot;
}

function stepOf(
  snapshot: SessionSnapshot,
  timers: TimerSchedule,
  machineActions: { type: string; params?: unknown }[],
  eventType: string,
  at: number,
): DurableStep {
  const actions = machineActions.filter((action) => !isBuiltInAction(action) && isActionName(action.type)) as NamedAction[];
  // A finished session holds no timers: nothing can happen to it any more.
  const nextTimers = snapshot.status === 'active' ? nextTimerSchedule(timers, machineActions, eventType, at) : {};
  return { snapshot, timers: nextTimers, actions, machineActions };
}

interface ReusedScope {
  scope: AnyActorScope;
  collected: { type: string; params?: unknown }[];
}

const scopes = new WeakMap<SessionMachine, ReusedScope>();

/**
 * XState's own `transition()` builds a throwaway actor for every call (most of its cost); the scope it
 * builds is inert, so one per machine serves every step. It mirrors XState's `createInertActorScope`
 * (see tests/machines/durableStep.test.ts, which pins that both step alike).
 */
function scopeOf(machine: SessionMachine): ReusedScope {
  let reused = scopes.get(machine);
  if (!reused) {
    const collected: ReusedScope['collected'] = [];
    const self = createActor(machine as AnyStateMachine);
    const scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system: self.system,
      emit: () => {},
      actionExecutor: (action: { type: string; params?: unknown }) => {
        collected.push({ type: action.type, params: action.params });
      },
    } as unknown as AnyActorScope;
    reused = { scope, collected };
    scopes.set(machine, reused);
  }
  return reused;
}
