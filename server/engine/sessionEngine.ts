import { __unsafe_getAllOwnEventDescriptors, initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { sessionStatus, type SessionEvent, type SessionInput, type SessionMachine } from '../../machines/index.js';
import { ApiError } from '../http/apiError.js';
import type { PolicyRepository } from '../policies/policyRepository.js';
import type { PendingAction, SessionLogEntry, SessionRecord, SessionStore } from '../stores/sessionStore.js';
import { redactEventForLog } from './logRedaction.js';
import type { MachineRegistry, RegisteredMachine } from './machineRegistry.js';
import { applyTimerActions, dueTimers, isSideEffect } from './timerPlan.js';

/** A session as the engine works on it: the stored record, its machine, and the live snapshot. */
export interface LoadedSession {
  record: SessionRecord;
  machine: RegisteredMachine;
  snapshot: AnyMachineSnapshot;
}

/** Carries out one named action and returns the event that reports its result. */
export type ActionRunner = (session: LoadedSession, action: PendingAction) => Promise<DistributiveOmit<SessionEvent, 'at'>>;

/** Checks what a client sent against secrets the machine must never see (SMS codes, CAPTCHA answers). */
export type ClientEventGate = (session: LoadedSession, event: ClientEventInput, at: number) => Promise<SessionEvent>;

export type ClientEventInput = { type: string } & Record<string, unknown>;

export interface TimerListener {
  timersChanged(record: SessionRecord): void;
}

export interface SessionEngineOptions {
  sessions: SessionStore;
  policies: PolicyRepository;
  machines: MachineRegistry;
  runAction: ActionRunner;
  admitClientEvent: ClientEventGate;
  clock: () => number;
  newSessionId: () => string;
  /** How long a finished or expired session stays readable. */
  retentionMs: number;
  timerListener?: TimerListener;
  onActionError?: (error: unknown, session: SessionRecord, action: PendingAction) => void;
}

export interface StartSessionRequest {
  schemeCode: string;
  sceneCode: SessionInput['sceneCode'];
  platform: SessionInput['platform'];
  boundPhoneNumber?: string;
  device: SessionInput['device'];
}

/** A write's result, and the ids of the actions it put in the outbox. */
interface Stepped {
  session: LoadedSession;
  created: string[];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const maxServerEventRetries = 8;
const maxActionsPerRequest = 32;

/**
 * Steps sessions with XState's pure `transition()`: load the record, hydrate, transition,
 * save snapshot + version + log entry + outbox in one compare-and-set, then carry out the
 * actions and feed their results back the same way. No actor lives between requests.
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
    const pending = pendingActionsOf(actions, id, 1);
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
      pending,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + policy.sessionTtlSeconds * 1000,
    };
    const entry: SessionLogEntry = { version: 1, at: now, kind: 'init', payload: { input, policyVersion: version }, state: snapshot.value };
    if (!(await this.options.sessions.create(record, entry, this.ttlOf(record)))) {
      throw new ApiError(409, 'SESSION_EXISTS', 'session id already in use');
    }
    this.options.timerListener?.timersChanged(record);
    return this.carryOut({ session: { record, machine, snapshot }, created: pending.map((p) => p.id) });
  }

  /** Reads a session and delivers any timer that has come due (and carries out what that timer started). */
  async get(id: string): Promise<LoadedSession | null> {
    const loaded = await this.load(id);
    return loaded ? this.carryOut(await this.deliverDueTimers(loaded)) : null;
  }

  /**
   * A client's event. `authorize` sees the record before anything changes.
   * 409 if the state does not take the event, 410 if the session has expired.
   */
  async send(id: string, event: ClientEventInput, authorize: (record: SessionRecord) => void): Promise<LoadedSession> {
    const found = await this.load(id);
    if (!found) throw new ApiError(404, 'SESSION_NOT_FOUND', 'session not found');
    authorize(found.record);
    const loaded = await this.carryOut(await this.deliverDueTimers(found));
    assertOpen(loaded);
    if (!__unsafe_getAllOwnEventDescriptors(loaded.snapshot).includes(event.type)) throw notAccepted(loaded, event.type);
    const now = this.options.clock();
    if (event.type === 'RESEND_SMS') assertResendAllowed(loaded, now);
    const machineEvent = await this.options.admitClientEvent(loaded, event, now);
    if (!loaded.snapshot.can(machineEvent)) throw notAccepted(loaded, event.type);
    let next: Stepped;
    try {
      next = await this.step(loaded, machineEvent);
    } catch (error) {
      if (error instanceof VersionConflict)
        throw new ApiError(409, 'VERSION_CONFLICT', 'the session changed while this event was applied; read it and try again');
      throw error;
    }
    return this.carryOut(next);
  }

  /** An event from the server side (an inbound uplink SMS): retried on conflicts; ignored, unrecorded, if the state refuses it. */
  async deliver(id: string, event: DistributiveOmit<SessionEvent, 'at'>, at = this.options.clock()): Promise<LoadedSession | null> {
    const loaded = await this.get(id);
    if (!loaded) return null;
    const stamped = { ...event, at } as SessionEvent;
    if (loaded.snapshot.status !== 'active' || !loaded.snapshot.can(stamped)) return loaded;
    const result = await this.stepServerEvent(loaded, stamped);
    return result ? this.carryOut(result) : loaded;
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

  private async deliverDueTimers(loaded: LoadedSession): Promise<Stepped> {
    let current: Stepped = { session: loaded, created: [] };
    for (const { timer } of dueTimers(current.session.record.timers, this.options.clock())) {
      const stepped = await this.stepServerEvent(current.session, { ...timer.event, at: timer.dueAt } as SessionEvent);
      if (stepped) current = { session: stepped.session, created: [...current.created, ...stepped.created] };
    }
    return current;
  }

  /** Steps a server-side event, re-reading and retrying on conflicts. Null if the session is gone. */
  private async stepServerEvent(loaded: LoadedSession, event: SessionEvent, resolves?: string): Promise<Stepped | null> {
    let current: LoadedSession | null = loaded;
    for (let attempt = 0; attempt < maxServerEventRetries && current; attempt++) {
      if (resolves && !current.record.pending.some((p) => p.id === resolves)) return { session: current, created: [] }; // someone else finished it
      if (isTimerEvent(event.type) && !current.record.timers[event.type]) return { session: current, created: [] }; // cancelled or already fired
      if (current.snapshot.status !== 'active') return { session: current, created: [] };
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

  private async step(loaded: LoadedSession, event: SessionEvent, resolves?: string): Promise<Stepped> {
    const { record, machine } = loaded;
    const [snapshot, actions] = transition(machine.machine, loaded.snapshot, event);
    const version = record.version + 1;
    const created = pendingActionsOf(actions, record.id, version);
    const next: SessionRecord = {
      ...record,
      version,
      snapshot: machine.machine.getPersistedSnapshot(snapshot),
      timers: applyTimerActions(record.timers, actions, event.type, event.at),
      pending: [...record.pending.filter((p) => p.id !== resolves), ...created],
      updatedAt: this.options.clock(),
    };
    const entry: SessionLogEntry = {
      version,
      at: event.at,
      kind: 'event',
      payload: redactEventForLog(event as unknown as Record<string, unknown>),
      state: snapshot.value,
    };
    const result = await this.options.sessions.compareAndSet(next, record.version, entry, this.ttlOf(next));
    if (!result.ok) throw new VersionConflict(result.currentVersion);
    if (Object.keys(next.timers).join() !== Object.keys(record.timers).join()) this.options.timerListener?.timersChanged(next);
    return { session: { record: next, machine, snapshot }, created: created.map((p) => p.id) };
  }

  /**
   * Carries out the actions this request's own writes put in the outbox, and those their
   * results lead to, feeding each result back as an event. Actions another request wrote are
   * that request's to carry out; a session that has finished starts nothing more.
   */
  private async carryOut({ session, created }: Stepped): Promise<LoadedSession> {
    let current = session;
    const queue = [...created];
    for (let done = 0; done < maxActionsPerRequest && queue.length; done++) {
      const action = current.record.pending.find((p) => p.id === queue[0]);
      queue.shift();
      if (!action) continue;
      if (current.snapshot.status !== 'active') break;
      let result: DistributiveOmit<SessionEvent, 'at'>;
      try {
        result = await this.options.runAction(current, action);
      } catch (error) {
        // Left in the outbox for a later delivery attempt.
        this.options.onActionError?.(error, current.record, action);
        continue;
      }
      const stepped = await this.stepServerEvent(current, { ...result, at: this.options.clock() } as SessionEvent, action.id);
      if (!stepped) break;
      current = stepped.session;
      queue.push(...stepped.created);
    }
    return current;
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

function pendingActionsOf(actions: readonly { type: string; params?: unknown }[], sessionId: string, version: number): PendingAction[] {
  return actions.filter(isSideEffect).map((action, index) => ({
    id: `${sessionId}-${version}-${index}`,
    type: action.type,
    params: (action.params ?? {}) as Record<string, unknown>,
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
