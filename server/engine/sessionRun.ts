import { actionCatalogue, type NamedAction } from '../../machines/actionCatalogue.js';
import { durableStep, storedSnapshotOf, type SessionSnapshot, type StepEvent } from '../../machines/durableStep.js';
import type { PendingAction, SessionLogEntry, SessionRecord, SessionWrite } from '../stores/sessionStore.js';
import type { LoadedSession } from './loadedSession.js';
import { redactEventForLog } from './logRedaction.js';
import type { RegisteredMachine } from './machineRegistry.js';

/**
 * A session being stepped: the record as the store holds it, and the working copy with the
 * entries and outbox changes not yet saved. Steps are pure (`durableStep`); the engine saves the
 * working copy in one atomic write when it must, and carries out the actions in `queue`.
 */
export class SessionRun {
  /** The record as stored: the next write compare-and-sets against its version. Null until the session is created. */
  stored: SessionRecord | null;
  record: SessionRecord;
  snapshot: SessionSnapshot;
  readonly machine: RegisteredMachine;
  /** Log entries since the last save. */
  entries: SessionLogEntry[] = [];
  /** Actions to carry out in this run, in the order the steps asked for them. */
  readonly queue: PendingAction[] = [];
  /** The stored session was still pending: a save that ends it has finished the session. */
  storedActive: boolean;

  private constructor(
    stored: SessionRecord | null,
    record: SessionRecord,
    snapshot: SessionSnapshot,
    machine: RegisteredMachine,
    private readonly clock: () => number,
  ) {
    this.stored = stored;
    this.record = record;
    this.snapshot = snapshot;
    this.machine = machine;
    this.storedActive = stored === null || snapshot.status === 'active';
  }

  static of(session: LoadedSession, clock: () => number): SessionRun {
    return new SessionRun(session.record, session.record, session.snapshot, session.machine, clock);
  }

  /** A session not stored yet: its init entry and the actions of its first step. */
  static creating(
    record: SessionRecord,
    snapshot: SessionSnapshot,
    machine: RegisteredMachine,
    init: SessionLogEntry,
    actions: readonly NamedAction[],
    clock: () => number,
  ): SessionRun {
    const run = new SessionRun(null, record, snapshot, machine, clock);
    run.entries.push(init);
    run.addActions(actions, record.version);
    return run;
  }

  get active(): boolean {
    return this.snapshot.status === 'active';
  }

  get dirty(): boolean {
    return this.entries.length > 0;
  }

  isPending(actionId: string): boolean {
    return this.record.pending.some((action) => action.id === actionId);
  }

  /** Whether the outbox entry of this action is in the stored record (saved before it runs). */
  isSaved(actionId: string): boolean {
    return this.stored?.pending.some((action) => action.id === actionId) ?? false;
  }

  /**
   * Steps the machine with an event: the snapshot, timers and version move on, the event is logged,
   * the action it answers (if any) leaves the outbox and the actions it asks for join it and the queue.
   */
  apply(event: StepEvent, resolves?: string): this {
    const step = durableStep(this.machine.machine, { snapshot: this.snapshot, timers: this.record.timers }, event);
    const version = this.record.version + 1;
    this.snapshot = step.snapshot;
    let pending = this.record.pending.filter((action) => action.id !== resolves);
    // A finished session waits for nothing: only its effects (the webhook) still go out.
    if (step.snapshot.status !== 'active') pending = pending.filter((action) => actionCatalogue[action.type].effect);
    this.record = { ...this.record, version, snapshot: storedSnapshotOf(step.snapshot), timers: step.timers, pending, updatedAt: this.clock() };
    this.entries.push({
      version,
      at: event.at,
      kind: 'event',
      payload: redactEventForLog(event as unknown as Record<string, unknown>),
      state: step.snapshot.value,
    });
    this.addActions(step.actions, version);
    return this;
  }

  /** An effect is done: it leaves the outbox and the log says so; the machine does not move. */
  resolveEffect(action: PendingAction): this {
    const version = this.record.version + 1;
    const at = this.clock();
    this.record = { ...this.record, version, pending: this.record.pending.filter((pending) => pending.id !== action.id), updatedAt: at };
    this.entries.push({ version, at, kind: 'effect', payload: { action: action.type, id: action.id }, state: this.snapshot.value });
    return this;
  }

  /** The write that saves everything since the last save. */
  toWrite(ttlMs: number): SessionWrite {
    return { record: this.record, expectedVersion: this.stored?.version ?? null, previous: this.stored, entries: this.entries, ttlMs };
  }

  /** The write went through: what was working copy is stored now. */
  saved(): void {
    this.stored = this.record;
    this.entries = [];
    this.storedActive = this.active;
  }

  loaded(): LoadedSession {
    return { record: this.record, machine: this.machine, snapshot: this.snapshot };
  }

  private addActions(actions: readonly NamedAction[], version: number): void {
    const at = this.clock();
    const created = actions.map((action, index) => ({
      id: `${this.record.id}-${version}-${index}`,
      type: action.type,
      params: (action.params ?? {}) as Record<string, unknown>,
      createdAt: at,
    }));
    this.record = { ...this.record, pending: [...this.record.pending, ...created] };
    this.queue.push(...created);
  }
}
