import { isTimerEventType } from '../../machines/timerEvents.js';
import { actionCatalogue, actionNames, type ActionName } from '../../machines/actionCatalogue.js';
import { durableStart, durableStep, type SessionSnapshot, type StepEvent } from '../../machines/durableStep.js';
import type { SessionEvent, SessionInput, SessionMachine } from '../../machines/index.js';
import { describePath, eventLabel, modelTime, sessionInputOf, type ModelEvent, type ModelPath } from '../../machines/testModel/index.js';
import { MachineRegistry } from '../../server/engine/machineRegistry.js';
import type { ActionHandlers } from '../../server/engine/actions/actionHandler.js';
import { apiErrorOfEngine } from '../../server/http/engineErrorStatus.js';
import { SessionEngine, type HandOver, type LoadedSession, type SessionWork } from '../../server/engine/sessionEngine.js';
import { PolicyRepository } from '../../server/policies/policyRepository.js';
import type { PendingAction, SessionLogEntry } from '../../server/stores/sessionStore.js';
import type { Storage } from '../../server/stores/storage.js';

/**
 * Runs model paths against a real SessionEngine: real storage, policy repository and machine
 * registry, a scripted action runner that answers each pending action with the path's next
 * result event, a pass-through client event gate, and a clock the harness sets per step.
 *
 * The clock: every event happens at `modelTime.start`, as in the model, except a resend (at
 * `modelTime.resendAvailableAt`, which the SMS_SENT results of the model announce) and a timer,
 * which fires at its due time. After each step the clock goes back to the start: the model is
 * untimed, so a path may hold more timeouts than fit in one session TTL in real time.
 */

/** Which action produces which result events: the action catalogue's word. */
const resultsOf = (type: ActionName): readonly string[] => actionCatalogue[type].results;
const resultEventTypes = new Set(actionNames.flatMap(resultsOf));
/** Server-side events that answer no action: they come in through `engine.deliver`. */
const serverEventTypes = new Set(['UPLINK_SMS_RECEIVED']);

type StepKind = 'result' | 'server' | 'timer' | 'client';

export function stepKind(event: ModelEvent): StepKind {
  if (isTimerEventType(event.type)) return 'timer';
  if (resultEventTypes.has(event.type)) return 'result';
  if (serverEventTypes.has(event.type)) return 'server';
  return 'client';
}

/** The engine declines to answer an action whose result is not the path's next step (it stays in the outbox). */
class ActionNotScripted extends Error {}

/** One path being driven through the engine: a cursor over its steps, and what went wrong. */
class PathRun {
  /** Steps carried out so far. */
  cursor = 0;
  readonly problems: string[] = [];
  /** Actions the engine started although the session had already finished. */
  readonly afterFinish: string[] = [];

  constructor(
    readonly path: ModelPath,
    readonly initialValue: unknown,
  ) {}

  get done(): boolean {
    return this.cursor >= this.path.steps.length;
  }

  /** The state value the engine must be in now. */
  expectedValue(): unknown {
    return this.cursor === 0 ? this.initialValue : this.path.steps[this.cursor - 1]!.state.value;
  }

  where(): string {
    const step = this.path.steps[this.cursor - 1];
    return step ? `after step ${this.cursor} (${eventLabel(step.event)})` : 'after start';
  }

  checkValue(actual: unknown, when: string): void {
    if (JSON.stringify(actual) !== JSON.stringify(this.expectedValue())) {
      this.problems.push(`${when} ${this.where()}: engine is in ${JSON.stringify(actual)}, model in ${JSON.stringify(this.expectedValue())}`);
    }
  }

  answer(session: LoadedSession, action: PendingAction): DistributiveOmitAt<SessionEvent> {
    this.checkValue(session.snapshot.value, `engine runs ${action.type}`);
    if (session.snapshot.status !== 'active') this.afterFinish.push(`${action.type} in ${JSON.stringify(session.snapshot.value)}`);
    const step = this.path.steps[this.cursor];
    const expected = resultsOf(action.type);
    if (!step || !expected.includes(step.event.type)) {
      if (step && stepKind(step.event) === 'result') {
        this.problems.push(`${this.where()}: engine runs ${action.type}, but the path's next step is ${eventLabel(step.event)}`);
      }
      throw new ActionNotScripted(`${action.type} is not answered at this point of the path`);
    }
    this.cursor++;
    return withoutAt(step.event) as DistributiveOmitAt<SessionEvent>;
  }
}

type DistributiveOmitAt<T> = T extends unknown ? Omit<T, 'at'> : never;

function withoutAt(event: ModelEvent): Record<string, unknown> & { type: string } {
  const { at: _at, ...rest } = event;
  return rest;
}

/** A scripted, settable clock. */
export class SteppedClock {
  private current: number = modelTime.start;
  readonly now = (): number => this.current;
  set(at: number): void {
    this.current = at;
  }
}

export interface EngineUnderTest {
  engine: SessionEngine;
  policies: PolicyRepository;
  clock: SteppedClock;
  storage: Storage;
  /** Action errors other than the harness's own "not scripted here" refusals. */
  unexpectedActionErrors: unknown[];
  /** Set while a path runs: answers the engine's actions from that path. */
  script: { run: PathRun | undefined };
  /** Runs the actions the engine queued, as a worker would, until none is left that the path answers. */
  drain(): Promise<void>;
}

/**
 * The job queue as the engine sees it, worked by hand: an action the path does not answer when the
 * engine runs it in the request fails for now and is handed over; the harness runs it again after the
 * path's next step, so a path's steps happen in the path's order. (The real queues are tested with
 * BullMQ and the in-process runner elsewhere.)
 */
class ManualWork implements SessionWork {
  readonly queued: { sessionId: string; actionId: string }[] = [];
  async handOver(sessionId: string, actions: readonly HandOver[]): Promise<void> {
    for (const { action } of actions) this.queued.push({ sessionId, actionId: action.id });
  }
  attemptsOf(): number {
    return 2;
  }
}

let sessionCounter = 0;

/** Every action of the catalogue answered from the running path; the finished session's webhook, which the model does not describe, is done at once. */
function scriptedHandlers(script: EngineUnderTest['script']): ActionHandlers {
  const answer = async ({ session, action }: { session: LoadedSession; action: PendingAction }) => {
    if (!script.run) throw new Error(`no path is running, yet the engine runs ${action.type}`);
    return script.run.answer(session, action);
  };
  const handlers = Object.fromEntries(actionNames.map((name) => [name, actionCatalogue[name].effect ? async () => 'done' : answer]));
  return handlers as unknown as ActionHandlers;
}

/** A SessionEngine wired like server/createNumberflow.ts, but with a scripted runner, gate and clock. */
export function createEngineUnderTest(storageFor: (clock: () => number) => Storage): EngineUnderTest {
  const clock = new SteppedClock();
  const storage = storageFor(clock.now);
  const policies = new PolicyRepository(storage.kv);
  const script: EngineUnderTest['script'] = { run: undefined };
  const unexpectedActionErrors: unknown[] = [];
  const work = new ManualWork();
  const engine = new SessionEngine({
    sessions: storage.sessions,
    policies,
    machines: new MachineRegistry(policies),
    handlers: scriptedHandlers(script),
    admitClientEvent: async (_session, event, at) => ({ ...event, at }) as SessionEvent,
    work,
    clock: clock.now,
    newSessionId: () => `model-${process.pid}-${++sessionCounter}`,
    retentionMs: 3_600_000,
    staleAfterMs: 3_600_000,
  });
  const drain = async () => {
    // A path answers an action right after the step that asked for it, or never: one more try each.
    for (let job = work.queued.shift(); job; job = work.queued.shift()) {
      try {
        await engine.runPendingAction(job.sessionId, job.actionId, { attempt: 2, lastAttempt: false });
      } catch (error) {
        // An action the path does not answer stays in the outbox, as after a failed job.
        if (!(error instanceof ActionNotScripted)) unexpectedActionErrors.push(error);
      }
    }
  };
  return { engine, policies, clock, storage, unexpectedActionErrors, script, drain };
}

export interface PathOutcome {
  sessionId: string;
  problems: string[];
  /** Actions the engine started after the session had finished (stale outbox entries). */
  afterFinish: string[];
  log: SessionLogEntry[];
}

/**
 * Drives one model path through the engine. The scheme's policy must already be the path's policy
 * (`policies.setSchemePolicy`). Returns what disagreed with the model, so a caller can assert
 * on all of it at once with the path in the message.
 */
export async function runPathOnEngine(target: EngineUnderTest, schemeCode: string, path: ModelPath, machine: SessionMachine): Promise<PathOutcome> {
  const { engine, clock } = target;
  const input = sessionInputOf(path.subject);
  const run = new PathRun(path, durableStart(machine, input, modelTime.start).snapshot.value);
  target.script.run = run;
  clock.set(modelTime.start);
  let loaded: LoadedSession | null = null;
  try {
    loaded = await engine.start({
      schemeCode,
      sceneCode: input.sceneCode,
      platform: input.platform,
      ...(input.boundPhoneNumber ? { boundPhoneNumber: input.boundPhoneNumber } : {}),
      device: input.device,
    });
    const sessionId = loaded.record.id;
    await target.drain();
    loaded = await engine.load(sessionId);
    run.checkValue(loaded?.snapshot.value, 'start');
    while (!run.done && run.problems.length === 0) {
      const step = path.steps[run.cursor]!;
      const kind = stepKind(step.event);
      const event = withoutAt(step.event);
      switch (kind) {
        case 'result': {
          const pending = (await engine.load(sessionId))?.record.pending.map((p) => p.type) ?? [];
          run.problems.push(
            `${run.where()}: the path goes on with ${eventLabel(step.event)}, but the engine did not carry out the action that produces it` +
              ` (state ${JSON.stringify(loaded?.snapshot.value)}, outbox [${pending.join(', ')}])`,
          );
          break;
        }
        case 'client':
          clock.set(step.event.at);
          run.cursor++;
          loaded = await engine.send(sessionId, event, () => {});
          break;
        case 'server':
          run.cursor++;
          loaded = await engine.deliver(sessionId, event as Parameters<SessionEngine['deliver']>[1]);
          break;
        case 'timer': {
          const record = (await engine.load(sessionId))?.record;
          const timer = record?.timers[step.event.type];
          if (!record || !timer) {
            run.problems.push(
              `${run.where()}: the path takes ${step.event.type}, but the session has no such timer (timers: ${Object.keys(record?.timers ?? {}).join(', ')})`,
            );
            break;
          }
          const earlier = Object.entries(record.timers).filter(([id, other]) => id !== step.event.type && other <= timer);
          if (earlier.length > 0) {
            run.problems.push(
              `${run.where()}: ${step.event.type} is due at ${timer}, after ${earlier.map(([id]) => id).join(', ')}: the harness cannot fire it alone`,
            );
            break;
          }
          clock.set(timer);
          run.cursor++;
          loaded = await engine.get(sessionId);
          break;
        }
      }
      await target.drain();
      loaded = await engine.load(sessionId);
      clock.set(modelTime.start);
      if (run.problems.length === 0) run.checkValue(loaded?.snapshot.value, `${kind} step`);
    }
    const log = await engine.log(sessionId);
    if (run.problems.length === 0) checkLog(run, log, machine);
    return { sessionId, problems: run.problems, afterFinish: run.afterFinish, log };
  } catch (error) {
    run.problems.push(`${run.where()}: the engine threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return { sessionId: loaded?.record.id ?? '(not started)', problems: run.problems, afterFinish: run.afterFinish, log: [] };
  } finally {
    target.script.run = undefined;
  }
}

/** The log has the init entry and one entry per step, with the model's states, and replays to them. */
function checkLog(run: PathRun, log: SessionLogEntry[], machine: SessionMachine): void {
  const { steps } = run.path;
  const expected = [
    { kind: 'init', type: undefined, state: run.initialValue },
    ...steps.map((step) => ({ kind: 'event', type: step.event.type, state: step.state.value })),
  ];
  const actual = log
    .filter((entry) => entry.kind !== 'effect')
    .map((entry) => ({ kind: entry.kind, type: entry.kind === 'init' ? undefined : entry.payload.type, state: entry.state }));
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    run.problems.push(`the event log differs from the path:\n    log:   ${actual.map(logLabel).join(' | ')}\n    model: ${expected.map(logLabel).join(' | ')}`);
    return;
  }
  // What a tester's replay does: the logged input, then each logged event through the pure machine.
  let session = durableStart(machine, (log[0]!.payload as { input: SessionInput }).input, log[0]!.at);
  for (const entry of log.slice(1).filter((e) => e.kind === 'event')) {
    session = durableStep(machine, session, entry.payload as unknown as StepEvent);
    const snapshot: SessionSnapshot = session.snapshot;
    if (JSON.stringify(snapshot.value) !== JSON.stringify(entry.state)) {
      run.problems.push(
        `replaying log entry ${entry.version} (${String(entry.payload.type)}) gives ${JSON.stringify(snapshot.value)}, the log says ${JSON.stringify(entry.state)}`,
      );
      return;
    }
  }
}

function logLabel(entry: { kind: string; type: unknown; state: unknown }): string {
  return `${entry.type ?? entry.kind} → ${JSON.stringify(entry.state)}`;
}

export function formatProblems(path: ModelPath, outcome: PathOutcome): string {
  return `${outcome.problems.join('\n')}\n  path (${path.subject.name}):\n  ${describePath(path)}`;
}

/**
 * Submits an event the model says the session's current state refuses (every guard fails) and
 * returns what went wrong: a client event must be answered with 409, a server event
 * ignored, and either way the session must keep its state, version and log.
 */
export async function submitRefusedEvent(target: EngineUnderTest, sessionId: string, event: ModelEvent): Promise<string[]> {
  const { engine, clock } = target;
  const before = await engine.load(sessionId);
  const logBefore = await engine.log(sessionId);
  if (!before) return [`session ${sessionId} is gone`];
  const problems: string[] = [];
  const kind = stepKind(event);
  clock.set(event.at);
  try {
    if (kind === 'client') {
      try {
        await engine.send(sessionId, withoutAt(event), () => {});
        problems.push(`engine.send accepted ${eventLabel(event)}`);
      } catch (error) {
        if (apiErrorOfEngine(error)?.status !== 409) {
          problems.push(`engine.send threw ${error instanceof Error ? error.message : String(error)} instead of a 409`);
        }
      }
    } else if (kind === 'server') {
      await engine.deliver(sessionId, withoutAt(event) as Parameters<SessionEngine['deliver']>[1]);
      await target.drain();
    } else {
      problems.push(`the model refuses a ${kind} event (${eventLabel(event)}); the harness cannot submit that`);
    }
  } finally {
    clock.set(modelTime.start);
  }
  const after = await engine.load(sessionId);
  const logAfter = await engine.log(sessionId);
  if (JSON.stringify(after?.snapshot.value) !== JSON.stringify(before.snapshot.value)) {
    problems.push(`${eventLabel(event)} moved the session from ${JSON.stringify(before.snapshot.value)} to ${JSON.stringify(after?.snapshot.value)}`);
  }
  if (after?.record.version !== before.record.version || logAfter.length !== logBefore.length) {
    problems.push(
      `${eventLabel(event)} (${kind}) was refused by the machine in ${JSON.stringify(before.snapshot.value)}, yet the engine wrote it:` +
        ` version ${before.record.version} → ${after?.record.version}, log ${logBefore.length} → ${logAfter.length} entries` +
        (logAfter.length > logBefore.length ? ` (last: ${JSON.stringify(logAfter.at(-1))})` : ''),
    );
  }
  return problems;
}
