import type { NamedAction } from '../../../machines/actionCatalogue.js';
import { durableStart, durableStep, type SessionSnapshot, type StepEvent } from '../../../machines/durableStep.js';
import type { SessionEvent, SessionInput, SessionMachine } from '../../../machines/index.js';
import type { TimerSchedule } from '../../../machines/timerEvents.js';
import { redactEventForLog } from '../../../server/engine/logRedaction.js';
import type { SessionLogEntry } from '../../../server/stores/sessionStore.js';

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
  private timers: TimerSchedule = {};
  private current: SessionSnapshot;
  private effects = 0;

  constructor(
    private readonly machine: SessionMachine,
    input: SessionInput,
    private now: number = Date.UTC(2025, 0, 1, 9, 0, 0),
    policyVersion = 'test-policy',
  ) {
    const start = durableStart(machine, input, now);
    this.current = start.snapshot;
    this.timers = start.timers;
    this.entries.push({ version: 1, at: now, kind: 'init', payload: { input, policyVersion }, state: start.snapshot.value });
    this.recordEffects(start.actions);
  }

  get snapshot(): SessionSnapshot {
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
    const [type, dueAt] = found;
    this.now = Math.max(this.now, dueAt);
    return this.step({ type, at: dueAt } as StepEvent);
  }

  /** The due time of the pending timer of this delay. */
  dueAt(delay: string): number | undefined {
    return Object.entries(this.timers).find(([type]) => type.startsWith(`xstate.after.${delay}.`))?.[1];
  }

  private step(event: StepEvent): this {
    const { snapshot, timers, actions } = durableStep(this.machine, { snapshot: this.current, timers: this.timers }, event);
    this.current = snapshot;
    this.timers = timers;
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

  private recordEffects(actions: readonly NamedAction[]): void {
    for (const action of actions.filter((a) => a.type === 'notifyApp')) {
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
