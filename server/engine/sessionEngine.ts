import { __unsafe_getAllOwnEventDescriptors } from 'xstate';
import { actionCatalogue, type ActionName, type UnstampedResult } from '../../machines/actionCatalogue.js';
import { durableStart, restoreSnapshot, storedSnapshotOf, type StepEvent } from '../../machines/durableStep.js';
import { sessionStatus, type Policy, type SessionEvent, type SessionInput } from '../../machines/index.js';
import { dueTimersOf } from '../../machines/timerEvents.js';
import type { PolicyRepository } from '../policies/policyRepository.js';
import type { PendingAction, SessionLogEntry, SessionRecord, SessionStore } from '../stores/sessionStore.js';
import { isStoreUnavailable } from '../stores/storeUnavailable.js';
import { PermanentActionFailure, type ActionHandlers, type ActionOutcome } from './actions/actionHandler.js';
import {
  EventNotAccepted,
  ResendTooEarly,
  SessionBusy,
  SessionConflict,
  SessionExpired,
  SessionFinished,
  SessionIdInUse,
  SessionNotFound,
  SessionPolicyMissing,
  SmsSendLimitReached,
} from './engineErrors.js';
import type { LoadedSession } from './loadedSession.js';
import type { MachineRegistry, RegisteredMachine } from './machineRegistry.js';
import { SessionLocks } from './sessionLocks.js';
import { SessionRun } from './sessionRun.js';

export type { LoadedSession } from './loadedSession.js';

/** Checks what a client sent against secrets the machine must never see (SMS codes, CAPTCHA answers). */
export type ClientEventGate = (session: LoadedSession, event: ClientEventInput, at: number) => Promise<SessionEvent>;

export type ClientEventInput = { type: string } & Record<string, unknown>;

/** An outbox action handed to a job: `failedAttempts` attempts already failed (0: a recovery or an effect's delivery). */
export interface HandOver {
  action: PendingAction;
  failedAttempts: number;
}

/** Where the engine hands what must wait or retry: jobs (BullMQ, or the in-process runner when embedded). */
export interface SessionWork {
  handOver(sessionId: string, actions: readonly HandOver[]): Promise<void>;
  /** How many attempts an action of this kind gets in all. */
  attemptsOf(type: ActionName): number;
}

export interface SessionEngineOptions {
  sessions: SessionStore;
  policies: PolicyRepository;
  machines: MachineRegistry;
  handlers: ActionHandlers;
  admitClientEvent: ClientEventGate;
  work: SessionWork;
  clock: () => number;
  newSessionId: () => string;
  /** How long a finished or expired session stays readable. */
  retentionMs: number;
  /** An outbox action older than this is handed over again by the sweeper (it outlives any run in a request). */
  staleAfterMs: number;
  /** Called once per session, after the write that records its final state (verified, failed or expired). */
  onFinished?: (session: LoadedSession) => Promise<void>;
  /** An action failed for now (it is retried) or for good. */
  onActionFailure?: (error: unknown, action: PendingAction, sessionId: string, final: boolean) => void;
  /** A write succeeded but its work could not be handed to a job: the sweeper hands it over later. */
  onHandOverError?: (error: unknown, sessionId: string) => void;
}

export interface StartSessionRequest {
  schemeCode: string;
  sceneCode: SessionInput['sceneCode'];
  platform: SessionInput['platform'];
  boundPhoneNumber?: string;
  device: SessionInput['device'];
}

/** Attempts a server-side write gets against other writers before it gives up (the session is busy). */
const serverEventAttempts = 8;
/** A client's event keeps its turn longer: a checked SMS code must land (see `send`). */
const clientEventAttempts = 40;
/** Sessions a maintenance run takes on at once. */
const maintenanceBatch = 500;
const maintenanceConcurrency = 8;

/** A write lost its compare-and-set: somebody else wrote the session first. */
class WriteConflict extends Error {
  constructor() {
    super('session write conflict');
  }
}

/**
 * Steps sessions with the pure durable step: load the record, step, save snapshot + version + log
 * entries + timers + outbox in one compare-and-set, and carry out the actions the step asked for in
 * the same request, saving their results the same way. An action that reaches the outside world
 * (a carrier exchange, an SMS) is saved in the outbox before it runs, so a crash never loses it:
 * the sweeper hands it to a job. Jobs are only for what waits or retries: retries with backoff,
 * webhooks, recovery, and the drain of due timers. No actor lives between requests.
 */
export class SessionEngine {
  private readonly locks = new SessionLocks();

  constructor(private readonly options: SessionEngineOptions) {}

  async start(request: StartSessionRequest): Promise<LoadedSession> {
    const [{ policy, version }, sceneSettings] = await Promise.all([
      this.options.policies.effectivePolicy(request.schemeCode, request.sceneCode),
      this.options.policies.recentSceneSettings(request.sceneCode),
    ]);
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
    const first = durableStart(machine.machine, input, now);
    const record: SessionRecord = {
      id,
      schemeCode: request.schemeCode,
      sceneCode: request.sceneCode,
      platform: request.platform,
      policyVersion: version,
      version: 1,
      snapshot: storedSnapshotOf(first.snapshot),
      timers: first.timers,
      pending: [],
      createdAt: now,
      updatedAt: now,
      expiresAt: now + policy.sessionTtlSeconds * 1000,
      ...(sceneSettings.logging ? {} : { untraced: true as const }),
    };
    const init: SessionLogEntry = { version: 1, at: now, kind: 'init', payload: { input, policyVersion: version }, state: first.snapshot.value };
    const run = SessionRun.creating(record, first.snapshot, machine, init, first.actions, this.options.clock);
    try {
      return await this.locks.run(id, () => this.settle(run));
    } catch (error) {
      if (error instanceof WriteConflict) throw new SessionIdInUse();
      throw error;
    }
  }

  /** Reads a session and delivers any timer that has come due. */
  async get(id: string): Promise<LoadedSession | null> {
    const loaded = await this.load(id);
    if (!loaded || dueTimersOf(loaded.record.timers, this.options.clock()).length === 0) return loaded;
    return this.locks.run(id, async () => {
      const current = await this.load(id);
      return current && this.deliverDue(current);
    });
  }

  /**
   * A client's event. `authorize` sees the record before anything changes. Secrets (an SMS code, a
   * CAPTCHA answer) are checked once, at the door; the verdict then lands in the session whatever
   * else writes it meanwhile: a conflict re-reads the session and applies the same verdict again, as
   * long as the session can take it. So a correct code is never spent without the session moving.
   */
  async send(id: string, event: ClientEventInput, authorize: (record: SessionRecord) => void): Promise<LoadedSession> {
    return this.locks.run(id, async () => {
      const found = await this.load(id);
      if (!found) throw new SessionNotFound();
      authorize(found.record);
      const current = await this.deliverDue(found);
      assertOpen(current);
      if (!__unsafe_getAllOwnEventDescriptors(current.snapshot).includes(event.type)) throw notAccepted(current, event.type);
      const now = this.options.clock();
      if (event.type === 'RESEND_SMS') assertResendAllowed(current, now);
      const admitted = await this.options.admitClientEvent(current, event, now);
      if (!current.snapshot.can(admitted)) throw notAccepted(current, event.type);
      const committed = await this.commit(current, clientEventAttempts, (session) =>
        session.snapshot.status === 'active' && session.snapshot.can(admitted) ? SessionRun.of(session, this.options.clock).apply(admitted) : null,
      );
      if (!committed.applied) {
        // The session moved on under this event (it finished, or no longer takes it): say where it is.
        assertOpen(committed.session);
        throw notAccepted(committed.session, event.type);
      }
      return committed.session;
    });
  }

  /** An event from the server side (an inbound uplink SMS); ignored, unrecorded, if the state refuses it. */
  async deliver(
    id: string,
    event: UnstampedResult | Omit<Extract<SessionEvent, { type: 'UPLINK_SMS_RECEIVED' }>, 'at'>,
    at = this.options.clock(),
  ): Promise<LoadedSession | null> {
    return this.locks.run(id, async () => {
      const found = await this.load(id);
      if (!found) return null;
      const current = await this.deliverDue(found);
      const stamped = { ...event, at } as SessionEvent;
      const committed = await this.commit(current, serverEventAttempts, (session) =>
        session.snapshot.status === 'active' && session.snapshot.can(stamped) ? SessionRun.of(session, this.options.clock).apply(stamped) : null,
      );
      return committed.session;
    });
  }

  /**
   * A job's turn at an outbox action (a retry, a recovery, a webhook delivery): nothing if it is no
   * longer pending, else the action and its result, saved like any step. Throws when the action
   * failed for now, for the job to retry it.
   */
  async runPendingAction(sessionId: string, actionId: string, attempt: { attempt: number; lastAttempt: boolean }): Promise<void> {
    await this.locks.run(sessionId, async () => {
      const loaded = await this.load(sessionId);
      const action = loaded?.record.pending.find((pending) => pending.id === actionId);
      if (!loaded || !action) return;
      if (!actionCatalogue[action.type].effect && loaded.snapshot.status !== 'active') return;
      let outcome: ActionOutcome<ActionName>;
      try {
        outcome = await this.runHandler(loaded, action, { ...attempt, inJob: true });
      } catch (error) {
        if (error instanceof PermanentActionFailure) return void (await this.giveUp(loaded, action, error));
        this.options.onActionFailure?.(error, action, sessionId, attempt.lastAttempt);
        throw error;
      }
      await this.commitOutcome(loaded, action, outcome);
    });
  }

  /** An action failed for good: the machine hears what the catalogue says it means (e.g. SMS_FAILED); an effect just leaves the outbox. */
  async giveUpPendingAction(sessionId: string, actionId: string, error: Error): Promise<void> {
    await this.locks.run(sessionId, async () => {
      const loaded = await this.load(sessionId);
      const action = loaded?.record.pending.find((pending) => pending.id === actionId);
      if (loaded && action) await this.giveUp(loaded, action, error);
    });
  }

  /** Delivers the due timers of one session (a late or repeated call finds nothing due and changes nothing). */
  async deliverTimers(sessionId: string): Promise<void> {
    await this.locks.run(sessionId, async () => {
      const loaded = await this.load(sessionId);
      if (!loaded) return void (await this.options.sessions.forget(sessionId));
      await this.deliverDue(loaded);
    });
  }

  /** Delivers every timer that has come due, across sessions: the drain a maintenance job runs. */
  async drainDueTimers(): Promise<number> {
    const ids = await this.options.sessions.dueSessions(this.options.clock(), maintenanceBatch);
    await inBatches(ids, maintenanceConcurrency, (id) => this.deliverTimers(id));
    return ids.length;
  }

  /**
   * Hands over again what a crash left in an outbox: every action older than the stale time goes to
   * a job with a deterministic id, so work that is already queued is not queued twice.
   */
  async recoverStaleWork(): Promise<{ sessions: number; actions: number }> {
    const staleBefore = this.options.clock() - this.options.staleAfterMs;
    const ids = await this.options.sessions.staleWork(staleBefore, maintenanceBatch);
    let actions = 0;
    await inBatches(ids, maintenanceConcurrency, async (id) => {
      const record = await this.options.sessions.load(id);
      if (!record) return void (await this.options.sessions.forget(id));
      const stale = record.pending.filter((action) => action.createdAt <= staleBefore);
      actions += stale.length;
      if (stale.length)
        await this.options.work.handOver(
          id,
          stale.map((action) => ({ action, failedAttempts: 0 })),
        );
    });
    return { sessions: ids.length, actions };
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
    if (!machine) throw new SessionPolicyMissing(id, record.policyVersion);
    const snapshot = restoreSnapshot(machine.machine, record.snapshot, {
      sessionId: record.id,
      schemeCode: record.schemeCode,
      sceneCode: record.sceneCode as SessionInput['sceneCode'],
      platform: record.platform as SessionInput['platform'],
    });
    return { record, machine, snapshot };
  }

  /** The due timers of the session, soonest first, in one write (with whatever they set off). */
  private async deliverDue(loaded: LoadedSession): Promise<LoadedSession> {
    const committed = await this.commit(loaded, serverEventAttempts, (session) => {
      const due = dueTimersOf(session.record.timers, this.options.clock());
      if (due.length === 0) return null;
      const run = SessionRun.of(session, this.options.clock);
      // A timer may cancel a later one (leaving its state): deliver only what is still set.
      for (const timer of due)
        if (run.record.timers[timer.eventType] === timer.dueAt && run.active)
          run.apply({ type: timer.eventType as StepEvent['type'], at: timer.dueAt } as StepEvent);
      return run.dirty ? run : null;
    });
    return committed.session;
  }

  /**
   * Applies a change prepared from the latest session and settles it, re-reading and preparing again
   * when another writer got there first. `prepare` returns null when the change no longer applies.
   */
  private async commit(
    initial: LoadedSession,
    attempts: number,
    prepare: (session: LoadedSession) => SessionRun | null,
  ): Promise<{ session: LoadedSession; applied: boolean }> {
    let current = initial;
    for (let attempt = 1; ; attempt++) {
      const run = prepare(current);
      if (!run) return { session: current, applied: false };
      try {
        return { session: await this.settle(run), applied: true };
      } catch (error) {
        if (!(error instanceof WriteConflict)) throw error;
        if (attempt >= attempts) throw attempts === clientEventAttempts ? new SessionConflict() : new SessionBusy();
        await pause(attempt);
        const reloaded = await this.load(initial.record.id);
        if (!reloaded) throw new SessionNotFound();
        current = reloaded;
      }
    }
  }

  /** Saves the result of an action that already ran, on the latest session: it must land, whoever wrote meanwhile. */
  private async commitOutcome(loaded: LoadedSession, action: PendingAction, outcome: ActionOutcome<ActionName>): Promise<LoadedSession> {
    const at = this.options.clock();
    const committed = await this.commit(loaded, serverEventAttempts, (session) => {
      if (!session.record.pending.some((pending) => pending.id === action.id)) return null; // done by someone else
      const run = SessionRun.of(session, this.options.clock);
      if (outcome === 'done') return run.resolveEffect(action);
      if (outcome === 'handOver') return null;
      if (!actionCatalogue[action.type].effect && !run.active) return null;
      return run.apply({ ...outcome, at } as StepEvent, action.id);
    });
    return committed.session;
  }

  private async giveUp(loaded: LoadedSession, action: PendingAction, error: Error): Promise<void> {
    this.options.onActionFailure?.(error, action, loaded.record.id, true);
    const spec = actionCatalogue[action.type];
    if (spec.effect) {
      // An effect that failed for good (a webhook nobody took) leaves the outbox: its history tells the operator.
      await this.commitOutcome(loaded, action, 'done');
      return;
    }
    const event = (spec.onGiveUp as (params: unknown, reason: string) => UnstampedResult | null)(action.params, error.message);
    if (event) await this.commitOutcome(loaded, action, event as ActionOutcome<ActionName>);
  }

  /**
   * Carries out the queued actions of a run in this request, saving first where an action must not be
   * lost, then saves the results in one write and hands what must wait (retries, webhooks) to jobs.
   */
  private async settle(run: SessionRun): Promise<LoadedSession> {
    const handOvers: HandOver[] = [];
    /** An action that reached the outside world since the last save, and what it came to. */
    let unsavedOutside: { action: PendingAction; outcome: ActionOutcome<ActionName> } | null = null;
    const save = async () => {
      if (await this.write(run)) {
        unsavedOutside = null;
        return;
      }
      // Nothing outside happened since the last save: the caller may prepare the change again.
      if (!unsavedOutside) throw new WriteConflict();
      // An action did reach the outside world: its result must land on whatever the session is now.
      const { action, outcome } = unsavedOutside;
      const latest = await this.load(run.record.id);
      if (!latest) throw new SessionNotFound();
      throw new SettledElsewhere(await this.commitOutcome(latest, action, outcome));
    };

    try {
      for (let action = run.queue.shift(); action; action = run.queue.shift()) {
        if (!run.isPending(action.id)) continue;
        const spec = actionCatalogue[action.type];
        if (spec.saveFirst && !run.isSaved(action.id)) await save();
        const attempts = this.options.work.attemptsOf(action.type);
        let outcome: ActionOutcome<ActionName>;
        try {
          outcome = await this.runHandler(run.loaded(), action, { attempt: 1, lastAttempt: attempts <= 1, inJob: false });
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          if (error instanceof PermanentActionFailure || attempts <= 1) {
            this.options.onActionFailure?.(failure, action, run.record.id, true);
            const event = (spec.onGiveUp as (params: unknown, reason: string) => UnstampedResult | null)(action.params, failure.message);
            if (event) run.apply({ ...event, at: this.options.clock() } as StepEvent, action.id);
          } else {
            this.options.onActionFailure?.(failure, action, run.record.id, false);
            // With the store away a job could not be queued either: the saved outbox keeps the action and the sweeper hands it over.
            if (!isStoreUnavailable(error)) handOvers.push({ action, failedAttempts: 1 });
          }
          continue;
        }
        if (spec.saveFirst) unsavedOutside = { action, outcome };
        if (outcome === 'done') run.resolveEffect(action);
        else if (outcome === 'handOver') handOvers.push({ action, failedAttempts: 0 });
        else run.apply({ ...outcome, at: this.options.clock() } as StepEvent, action.id);
      }
      if (run.dirty) await save();
    } catch (error) {
      if (error instanceof SettledElsewhere) return error.session;
      throw error;
    }
    if (handOvers.length) {
      try {
        await this.options.work.handOver(run.record.id, handOvers);
      } catch (error) {
        // The write stands: what it asked for is in the outbox, and the sweeper hands it over.
        this.options.onHandOverError?.(error, run.record.id);
      }
    }
    return run.loaded();
  }

  /** One atomic write of the run; false when another writer got there first. */
  private async write(run: SessionRun): Promise<boolean> {
    const wasActive = run.storedActive;
    const result = await this.options.sessions.write(run.toWrite(this.ttlOf(run.record)));
    if (!result.ok) return false;
    run.saved();
    if (wasActive && !run.active) await this.options.onFinished?.(run.loaded());
    return true;
  }

  private runHandler(
    session: LoadedSession,
    action: PendingAction,
    attempt: { attempt: number; lastAttempt: boolean; inJob: boolean },
  ): Promise<ActionOutcome<ActionName>> {
    const handler = this.options.handlers[action.type] as (run: unknown) => Promise<ActionOutcome<ActionName>>;
    return handler({ session, params: action.params, action, ...attempt });
  }

  private ttlOf(record: SessionRecord): number {
    // At least a second: a finished session must still be readable by the request that finished it.
    return Math.max(record.expiresAt - this.options.clock(), 0) + Math.max(this.options.retentionMs, 1000);
  }
}

/** The run's result was settled by another path (its action's result re-applied on a newer session). */
class SettledElsewhere extends Error {
  constructor(readonly session: LoadedSession) {
    super('settled elsewhere');
  }
}

function assertOpen(loaded: LoadedSession): void {
  const status = sessionStatus(loaded.snapshot);
  if (status === 'expired') throw new SessionExpired();
  if (status !== 'pending') throw new SessionFinished(status);
}

function assertResendAllowed(loaded: LoadedSession, now: number): void {
  const context = loaded.snapshot.context as { resendAvailableAt?: number; smsSends: number };
  const sendsLeft = loaded.machine.policy.nodes.smsCode.maxSends - context.smsSends;
  if (sendsLeft <= 0) throw new SmsSendLimitReached();
  if (context.resendAvailableAt !== undefined && now < context.resendAvailableAt) throw new ResendTooEarly(context.resendAvailableAt, now);
}

function notAccepted(loaded: LoadedSession, type: string): EventNotAccepted {
  return new EventNotAccepted(type, loaded.snapshot.value);
}

/** A short, growing, jittered pause before another attempt, so racing writers fall out of step. */
function pause(attempt: number): Promise<void> {
  const ms = Math.min(50, attempt * 2) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) {
    await Promise.all(items.slice(i, i + concurrency).map((item) => work(item).catch(() => {})));
  }
}
