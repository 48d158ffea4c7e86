import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { SessionEvent, SessionInput, SessionMachine } from '../../../machines/index.js';
import { redactEventForLog } from '../../../server/engine/logRedaction.js';
import { applyTimerActions, isSideEffect } from '../../../server/engine/timerPlan.js';
import type { SessionLogEntry, TimerEntry } from '../../../server/stores/sessionStore.js';

type Unstamped<E> = E extends unknown ? Omit<E, 'at'> : never;
/** An event for the recorder: `at` is optional; without it the recorder's clock is used. */
export type RecorderEvent = Unstamped<SessionEvent> & { at?: number };

/**
 * Steps a machine the way the session engine does and writes the log it would write: an init
 * entry with the input and policy version, one entry per event with the event redacted
 * (`redactEventForLog`), the engine's durable timers, and an effect entry once a `notifyApp`
 * webhook is done. For pure tests of policies the server is not asked to run.
 */
export class LogRecorder {
  readonly entries: SessionLogEntry[] = [];
  private timers: Record<string, TimerEntry> = {};
  private current: SnapshotFrom<SessionMachine>;
  private effects = 0;

  constructor(
    private readonly machine: SessionMachine,
    input: SessionInput,
    private now: number = Date.UTC(2025, 0, 1, 9, 0, 0),
    policyVersion = 'test-policy',
  ) {
    const [snapshot, actions] = initialTransition(machine, input);
    this.current = snapshot;
    this.timers = applyTimerActions({}, actions, '', now);
    this.entries.push({ version: 1, at: now, kind: 'init', payload: { input, policyVersion }, state: snapshot.value });
    this.recordEffects(actions);
  }

  get snapshot(): SnapshotFrom<SessionMachine> {
    return this.current;
  }

  /** Moves the recorder's clock on. */
  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** An event the state takes (as the engine checks with `can`); throws otherwise, so a test cannot record nonsense by mistake. */
  send(event: RecorderEvent): this {
    const stamped = { ...event, at: event.at ?? this.now } as SessionEvent;
    if (!this.current.can(stamped)) throw new Error(`${stamped.type} is not taken in ${JSON.stringify(this.current.value)}`);
    return this.step(stamped);
  }

  /** The timer of this delay falls due: the clock moves to its due time and its event is delivered, as the timer job does. */
  fire(delay: string): this {
    const found = Object.entries(this.timers).find(([type]) => type.startsWith(`xstate.after.${delay}.`));
    if (!found) throw new Error(`no ${delay} timer is set; timers: ${Object.keys(this.timers).join(', ')}`);
    const [type, timer] = found;
    this.now = Math.max(this.now, timer.dueAt);
    return this.step({ type, at: timer.dueAt } as unknown as SessionEvent);
  }

  /** The due time of the pending timer of this delay. */
  dueAt(delay: string): number | undefined {
    return Object.entries(this.timers).find(([type]) => type.startsWith(`xstate.after.${delay}.`))?.[1].dueAt;
  }

  private step(event: SessionEvent): this {
    const [snapshot, actions] = transition(this.machine, this.current, event);
    this.current = snapshot;
    this.timers = applyTimerActions(this.timers, actions, event.type, event.at);
    this.entries.push({
      version: this.entries.length + 1,
      at: event.at,
      kind: 'event',
      payload: redactEventForLog(event as unknown as Record<string, unknown>),
      state: snapshot.value,
    });
    this.recordEffects(actions);
    return this;
  }

  private recordEffects(actions: readonly { type: string }[]): void {
    for (const action of actions.filter((a) => isSideEffect(a) && a.type === 'notifyApp')) {
      this.entries.push({
        version: this.entries.length + 1,
        at: this.now,
        kind: 'effect',
        payload: { action: action.type, id: `effect-${++this.effects}` },
        state: this.current.value,
      });
    }
  }
}

/** A machine input as the engine builds it. */
export function sessionInput(sceneCode: SessionInput['sceneCode'], extra: Partial<SessionInput> = {}): SessionInput {
  return { sessionId: `sess-${sceneCode}`, schemeCode: 'FA000000000000001', sceneCode, platform: 'Android', device: {}, ...extra };
}
