import { __unsafe_getAllOwnEventDescriptors, initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { sessionStatus, type Policy, type SessionEvent, type SessionInput, type SessionMachine } from '../../machines/index.js';
import { ApiError } from '../http/apiError.js';
import type { PolicyRepository } from '../policies/policyRepository.js';
import type { PendingAction, SessionLogEntry, SessionRecord, SessionStore, TimerEntry } from '../stores/sessionStore.js';
import { redactEventForLog } from './logRedaction.js';
import type { MachineRegistry, RegisteredMachine } from './machineRegistry.js';
import { applyTimerActions, dueTimers, isSideEffect } from './timerPlan.js';

/** A session as the engine works on it: the stored record, its machine, and the live snapshot. */
export interface LoadedSession {
  record: SessionRecord;
  machine: RegisteredMachine;
  snapshot: AnyMachineSnapshot;
}

export type ResultEvent = DistributiveOmit<SessionEvent, 'at'>;

/**
 * Carries out one named action and returns the event that reports its result, or null for an
 * effect that reports nothing back to the machine (a webhook). Throwing means "try again later".
 */
export type ActionRunner = (session: LoadedSession, action: PendingAction, attempt: { attempt: number; lastAttempt: boolean }) => Promise<ResultEvent | null>;

/** Checks what a client sent against secrets the machine must never see (SMS codes, CAPTCHA answers). */
export type ClientEventGate = (session: LoadedSession, event: ClientEventInput, at: number) => Promise<SessionEvent>;

export type ClientEventInput = { type: string } & Record<string, unknown>;

/**
 * Where the engine hands the work that must survive a crash: durable timers and the outbox's
 * actions become jobs (BullMQ, or the in-process runner when embedded).
 */
export interface SessionWork {
  timersChanged(sessionId: string, previous: Record<string, TimerEntry>, next: Record<string, TimerEntry>): Promise<void>;
  actionsQueued(sessionId: string, actions: PendingAction[]): Promise<void>;
  /** The session as a job in this process wrote it after `afterVersion`; null when none did within `timeoutMs`. */
  nextCompletion(sessionId: string, afterVersion: number, timeoutMs: number): Promise<LoadedSession | null>;
  /** A job in this process has stepped the session. */
  completed(session: LoadedSession): void;
}

/** What the machine hears when an action has failed for good, per action type. */
export type ExhaustedActionEvent = (action: PendingAction, error: Error) => ResultEvent | null;

export interface SessionEngineOptions {
  sessions: SessionStore;
  policies: PolicyRepository;
  machines: MachineRegistry;
  runAction: ActionRunner;
  exhaustedActionEvent: ExhaustedActionEvent;
  admitClientEvent: ClientEventGate;
  work: SessionWork;
  clock: () => number;
  newSessionId: () => string;
  /** How long a finished or expired session stays readable. */
  retentionMs: number;
  /** How long a request waits for the work it caused before it answers (then the client sees `wait`). */
  settleTimeoutMs: number;
  /** Actions whose type reports no event back (effects): they never hold a request up. */
  effectActionTypes: ReadonlySet<string>;
  /** A write succeeded but its work could not be queued: the sweeper hands it over later. */
  onHandOverError?: (error: unknown, sessionId: string) => void;
}

export interface StartSessionRequest {
  schemeCode: string;
  sceneCode: SessionInput['sceneCode'];
  platform: SessionInput['platform'];
  boundPhoneNumber?: string;
  device: SessionInput['device'];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const maxServerEventRetries = 8;

/**
 * Steps sessions with XState's pure `transition()`: load the record, hydrate, transition, save
 * snapshot + version + log entry + durable timers + outbox in one compare-and-set, then hand the
 * timers and actions to jobs. A job carries out an action and feeds its result back the same way.
 * No actor lives between requests.
 */
export class SessionEngine {
  constructor(private readonly options: SessionEngineOptions) {}

  async start(request: StartSessionRequest): Promise<LoadedSession> {
    const { policy, version } = await this.options.policies.effectivePolicy(request.schemeCode, request.sceneCode);
    const machine = this.options.machines.forPolicy(policy, version);
    const now = this.options.clock();
    const id = this.options.newSessionId();
    const input: SessionInput = {
      sessionId: id,
      schemeCode: request.schemeCode,
      sceneCode: request.sceneCode,
      platform: request.platform,
      ...(request.boundPhoneNumber ? { boundPhoneNumber: request.boundPhoneNumber } : {}),
      device: request.device,
    };
    const [snapshot, actions] = initialTransition(machine.machine, input);
    const record: SessionRecord = {
      id,
      schemeCode: request.schemeCode,
      sceneCode: request.sceneCode,
      platform: request.platform,
      machineId: machine.machine.id,
      policyVersion: version,
      version: 1,
      snapshot: machine.machine.getPersistedSnapshot(snapshot),
      timers: applyTimerActions({}, actions, '', now),
      pending: pendingActionsOf(actions, id, 1, now),
      createdAt: now,
      updatedAt: now,
      expiresAt: now + policy.sessionTtlSeconds * 1000,
    };
    const entry: SessionLogEntry = { version: 1, at: now, kind: 'init', payload: { input, policyVersion: version }, state: snapshot.value };
    if (!(await this.options.sessions.create(record, entry, this.ttlOf(record)))) {
      throw new ApiError(409, 'SESSION_EXISTS', 'session id already in use');
    }
    await this.handOver(id, {}, record.timers, record.pending);
    return this.settle({ record, machine, snapshot }, record.pending.length > 0);
  }

  /** Reads a session and delivers any timer that has come due. */
  async get(id: string): Promise<LoadedSession | null> {
    const loaded = await this.load(id);
    if (!loaded) return null;
    const { session, queuedWork } = await this.deliverDueTimers(loaded);
    return this.settle(session, queuedWork);
  }

  /**
   * A client's event. `authorize` sees the record before anything changes.
   * 409 if the state does not take the event, 410 if the session has expired.
   */
  async send(id: string, event: ClientEventInput, authorize: (record: SessionRecord) => void): Promise<LoadedSession> {
    const found = await this.load(id);
    if (!found) throw new ApiError(404, 'SESSION_NOT_FOUND', 'session not found');
    authorize(found.record);
    const { session: loaded } = await this.deliverDueTimers(found);
    assertOpen(loaded);
    if (!__unsafe_getAllOwnEventDescriptors(loaded.snapshot).includes(event.type)) throw notAccepted(loaded, event.type);
    const now = this.options.clock();
    if (event.type === 'RESEND_SMS') assertResendAllowed(loaded, now);
    const machineEvent = await this.options.admitClientEvent(loaded, event, now);
    if (!loaded.snapshot.can(machineEvent)) throw notAccepted(loaded, event.type);
    let next: LoadedSession;
    try {
      next = await this.step(loaded, machineEvent);
    } catch (error) {
      if (error instanceof VersionConflict)
        throw new ApiError(409, 'VERSION_CONFLICT', 'the session changed while this event was applied; read it and try again');
      throw error;
    }
    return this.settle(next, true);
  }

  /** An event from the server side (an inbound uplink SMS): retried on conflicts; ignored, unrecorded, if the state refuses it. */
  async deliver(id: string, event: ResultEvent, at = this.options.clock()): Promise<LoadedSession | null> {
    const loaded = await this.get(id);
    if (!loaded) return null;
    const stamped = { ...event, at } as SessionEvent;
    if (loaded.snapshot.status !== 'active' || !loaded.snapshot.can(stamped)) return loaded;
    const result = await this.stepServerEvent(loaded, stamped);
    return result ? this.settle(result, true) : loaded;
  }

  /**
   * A job's turn to carry out an action of the outbox: nothing if it is no longer pending (done,
   * or its session moved on), else the action, and its result fed back through the same path.
   * Throws when the action failed and should be tried again.
   */
  async runQueuedAction(sessionId: string, actionId: string, attempt: { attempt: number; lastAttempt: boolean }): Promise<void> {
    const loaded = await this.load(sessionId);
    const action = loaded?.record.pending.find((p) => p.id === actionId);
    if (!loaded || !action) return;
    const effect = this.options.effectActionTypes.has(action.type);
    if (!effect && loaded.snapshot.status !== 'active') return;
    const result = await this.options.runAction(loaded, action, attempt);
    const stepped = result
      ? await this.stepServerEvent(loaded, { ...result, at: this.options.clock() } as SessionEvent, action.id)
      : await this.resolveEffect(loaded, action);
    if (stepped) this.options.work.completed(stepped);
  }

  /** A timer job's turn: delivers whatever timers of the session are due (a stale timer finds nothing to do). */
  async deliverTimers(sessionId: string): Promise<void> {
    const loaded = await this.load(sessionId);
    if (!loaded) return;
    const { session, queuedWork } = await this.deliverDueTimers(loaded);
    if (queuedWork) this.options.work.completed(session);
  }

  /** An action failed for good: the machine hears what that means for it (e.g. SMS_FAILED), if anything. */
  async failQueuedAction(sessionId: string, actionId: string, error: Error): Promise<void> {
    const loaded = await this.load(sessionId);
    const action = loaded?.record.pending.find((p) => p.id === actionId);
    if (!loaded || !action) return;
    // An effect that failed for good (a webhook nobody took) leaves the outbox too: its history tells the operator.
    if (this.options.effectActionTypes.has(action.type)) {
      await this.resolveEffect(loaded, action);
      return;
    }
    const event = this.options.exhaustedActionEvent(action, error);
    if (!event || loaded.snapshot.status !== 'active') return;
    const stepped = await this.stepServerEvent(loaded, { ...event, at: this.options.clock() } as SessionEvent, action.id);
    if (stepped) this.options.work.completed(stepped);
  }

  /**
   * Hands over again what a crash may have left behind: outbox actions older than `staleAfterMs`
   * and every timer (jobs have deterministic ids, so what is already queued is not queued twice).
   */
  async sweep(sessionIds: string[], staleAfterMs: number): Promise<{ actions: number; timers: number }> {
    const now = this.options.clock();
    let actions = 0;
    let timers = 0;
    for (const id of sessionIds) {
      const record = await this.options.sessions.load(id);
      if (!record) continue;
      const stale = record.pending.filter((action) => now - action.createdAt >= staleAfterMs);
      await this.options.work.timersChanged(id, {}, record.timers);
      if (stale.length) await this.options.work.actionsQueued(id, stale);
      actions += stale.length;
      timers += Object.keys(record.timers).length;
    }
    return { actions, timers };
  }

  /** The machine of a policy (built once per version and cached). */
  machineForPolicy(policy: Policy, version: string): RegisteredMachine {
    return this.options.machines.forPolicy(policy, version);
  }

  /** The machine of a stored policy version (built once and cached), e.g. to replay a session against another version. */
  machineForVersion(version: string): Promise<RegisteredMachine | null> {
    return this.options.machines.forVersion(version);
  }

  async log(id: string): Promise<SessionLogEntry[]> {
    return this.options.sessions.readLog(id);
  }

  async load(id: string): Promise<LoadedSession | null> {
    const record = await this.options.sessions.load(id);
    if (!record) return null;
    const machine = await this.options.machines.forVersion(record.policyVersion);
    if (!machine) throw new Error(`policy version ${record.policyVersion} of session ${id} is missing`);
    return { record, machine, snapshot: hydrate(machine.machine, record.snapshot) };
  }

  private async deliverDueTimers(loaded: LoadedSession): Promise<{ session: LoadedSession; queuedWork: boolean }> {
    let session = loaded;
    let queuedWork = false;
    for (const { timer } of dueTimers(session.record.timers, this.options.clock())) {
      const stepped = await this.stepServerEvent(session, { ...timer.event, at: timer.dueAt } as SessionEvent);
      if (!stepped) break;
      queuedWork ||= stepped.record.version !== session.record.version;
      session = stepped;
    }
    return { session, queuedWork };
  }

  /** Steps a server-side event, re-reading and retrying on conflicts. Null if the session is gone. */
  private async stepServerEvent(loaded: LoadedSession, event: SessionEvent, resolves?: string): Promise<LoadedSession | null> {
    let current: LoadedSession | null = loaded;
    for (let attempt = 0; attempt < maxServerEventRetries && current; attempt++) {
      if (resolves && !current.record.pending.some((p) => p.id === resolves)) return current; // someone else finished it
      if (isTimerEvent(event.type) && !current.record.timers[event.type]) return current; // cancelled or already fired
      if (current.snapshot.status !== 'active') return current;
      try {
        return await this.step(current, event, resolves);
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        current = await this.load(loaded.record.id);
      }
    }
    if (current) throw new ApiError(503, 'BUSY', 'the session is too busy; try again', undefined, 1);
    return null;
  }

  private async step(loaded: LoadedSession, event: SessionEvent, resolves?: string): Promise<LoadedSession> {
    const { record, machine } = loaded;
    const [snapshot, actions] = transition(machine.machine, loaded.snapshot, event);
    const version = record.version + 1;
    const now = this.options.clock();
    const created = pendingActionsOf(actions, record.id, version, now);
    const next: SessionRecord = {
      ...record,
      version,
      snapshot: machine.machine.getPersistedSnapshot(snapshot),
      timers: applyTimerActions(record.timers, actions, event.type, event.at),
      pending: [...record.pending.filter((p) => p.id !== resolves), ...created],
      updatedAt: now,
    };
    const entry: SessionLogEntry = {
      version,
      at: event.at,
      kind: 'event',
      payload: redactEventForLog(event as unknown as Record<string, unknown>),
      state: snapshot.value,
    };
    await this.write(next, record.version, entry);
    await this.handOver(record.id, record.timers, next.timers, created);
    return { record: next, machine, snapshot };
  }

  /** An effect is done: it leaves the outbox and the log says so; the machine does not move. */
  private async resolveEffect(loaded: LoadedSession, action: PendingAction): Promise<LoadedSession | null> {
    let current: LoadedSession | null = loaded;
    for (let attempt = 0; attempt < maxServerEventRetries && current; attempt++) {
      if (!current.record.pending.some((p) => p.id === action.id)) return current;
      const now = this.options.clock();
      const next: SessionRecord = {
        ...current.record,
        version: current.record.version + 1,
        pending: current.record.pending.filter((p) => p.id !== action.id),
        updatedAt: now,
      };
      const entry: SessionLogEntry = {
        version: next.version,
        at: now,
        kind: 'effect',
        payload: { action: action.type, id: action.id },
        state: current.snapshot.value,
      };
      try {
        await this.write(next, current.record.version, entry);
        return { ...current, record: next };
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        current = await this.load(loaded.record.id);
      }
    }
    return current;
  }

  private async write(next: SessionRecord, expectedVersion: number, entry: SessionLogEntry): Promise<void> {
    const result = await this.options.sessions.compareAndSet(next, expectedVersion, entry, this.ttlOf(next));
    if (!result.ok) throw new VersionConflict(result.currentVersion);
  }

  /** After a successful write: the timers it changed and the actions it queued become jobs. */
  private async handOver(
    sessionId: string,
    previousTimers: Record<string, TimerEntry>,
    timers: Record<string, TimerEntry>,
    created: PendingAction[],
  ): Promise<void> {
    try {
      await this.options.work.timersChanged(sessionId, previousTimers, timers);
      if (created.length) await this.options.work.actionsQueued(sessionId, created);
    } catch (error) {
      // The write stands: what it asked for is in the record, and the sweeper queues it again.
      this.options.onHandOverError?.(error, sessionId);
    }
  }

  /**
   * Lets the jobs a request caused finish before it answers, up to the settle timeout, so that a
   * client usually sees the outcome (the number, the sent SMS) rather than `wait`.
   */
  private async settle(session: LoadedSession, queuedWork: boolean): Promise<LoadedSession> {
    if (!queuedWork) return session;
    const deadline = Date.now() + this.options.settleTimeoutMs;
    let current = session;
    while (this.hasOpenWork(current) && Date.now() < deadline) {
      const newer = await this.options.work.nextCompletion(current.record.id, current.record.version, Math.min(50, deadline - Date.now()));
      // A worker in another process leaves no word here: read the session again.
      current = newer ?? (await this.load(current.record.id)) ?? current;
    }
    return current;
  }

  private hasOpenWork(session: LoadedSession): boolean {
    return session.snapshot.status === 'active' && session.record.pending.some((action) => !this.options.effectActionTypes.has(action.type));
  }

  private ttlOf(record: SessionRecord): number {
    // At least a second: a finished session must still be readable by the request that finished it.
    return Math.max(record.expiresAt - this.options.clock(), 0) + Math.max(this.options.retentionMs, 1000);
  }
}

export class VersionConflict extends Error {
  constructor(readonly currentVersion: number | null) {
    super('version conflict');
  }
}

function hydrate(machine: SessionMachine, persisted: unknown): AnyMachineSnapshot {
  const snapshot = machine.resolveState(persisted as Parameters<SessionMachine['resolveState']>[0]);
  if (snapshot.status === 'error') throw new Error('stored session snapshot does not fit its machine');
  return snapshot;
}

function pendingActionsOf(actions: readonly { type: string; params?: unknown }[], sessionId: string, version: number, createdAt: number): PendingAction[] {
  return actions.filter(isSideEffect).map((action, index) => ({
    id: `${sessionId}-${version}-${index}`,
    type: action.type,
    params: (action.params ?? {}) as Record<string, unknown>,
    createdAt,
  }));
}

function isTimerEvent(type: string): boolean {
  return type.startsWith('xstate.after.');
}

function assertOpen(loaded: LoadedSession): void {
  const status = sessionStatus(loaded.snapshot);
  if (status === 'expired') throw new ApiError(410, 'SESSION_EXPIRED', 'the session has expired; start a new one');
  if (status !== 'pending') throw new ApiError(409, 'SESSION_FINISHED', `the session is already ${status}`, { status });
}

function assertResendAllowed(loaded: LoadedSession, now: number): void {
  const context = loaded.snapshot.context as { resendAvailableAt?: number; smsSends: number };
  const sendsLeft = loaded.machine.policy.nodes.smsCode.maxSends - context.smsSends;
  if (sendsLeft <= 0) throw new ApiError(409, 'SMS_SEND_LIMIT', 'no more codes can be sent in this session', { sendsLeft: 0 });
  if (context.resendAvailableAt !== undefined && now < context.resendAvailableAt) {
    const seconds = Math.ceil((context.resendAvailableAt - now) / 1000);
    throw new ApiError(
      429,
      'RESEND_TOO_EARLY',
      `a new code can be sent in ${seconds} s`,
      { resendAvailableAt: new Date(context.resendAvailableAt).toISOString() },
      seconds,
    );
  }
}

function notAccepted(loaded: LoadedSession, type: string): ApiError {
  return new ApiError(409, 'EVENT_NOT_ACCEPTED', `${type} is not accepted in state ${JSON.stringify(loaded.snapshot.value)}`, {
    state: loaded.snapshot.value,
  });
}
