import type { FailureReason, SessionEvent, SessionInput, SessionMachine, SessionStatus } from '../../machines/index.js';
import type { SessionLogEntry } from '../stores/sessionStore.js';
import { summarizeActions } from './actionSummary.js';
import { readRecordedSession, recordedEventOf } from './recordedLog.js';
import { sessionOutcomeOf } from './sessionOutcome.js';
import { stateValuesEqual, toReplayStateValue, type ReplayStateValue } from './stateValues.js';
import { durableStart, durableStep, type SessionSnapshot, type StepEvent } from '../../machines/durableStep.js';
import {
  activeTimersOf,
  matchTimerEvent,
  parseTimerEventType,
  pendingTimersOf,
  type PendingTimer,
  type TimerMatch,
  type TimerSchedule,
} from '../../machines/timerEvents.js';

/**
 * Which timers run the candidate's clock:
 * - `recorded` (the default): only the recorded events, timer events included, drive the candidate;
 *   a recorded timer event reaches the candidate when one of its states has that delay.
 * - `candidate`: the candidate's own timers fire when they fall due by its policy's delays (between
 *   the recorded events, by their times), and recorded timer events are not delivered.
 */
export type WhatIfTimers = 'recorded' | 'candidate';

/** What of the recorded input a what-if may change; the session id, scheme and scene stay as recorded. */
export type WhatIfInputChanges = Partial<Pick<SessionInput, 'platform' | 'boundPhoneNumber' | 'device'>>;

export interface WhatIfOptions {
  timers?: WhatIfTimers;
  input?: WhatIfInputChanges;
}

/** One event as the candidate saw it. */
export interface WhatIfStep {
  /** `recorded`: an entry of the log; `candidateTimer`: a timer of the candidate that fell due between entries (`timers: 'candidate'`). */
  origin: 'recorded' | 'candidateTimer';
  /** The log entry's version; for a candidate timer, the version of the last entry before it. */
  version: number;
  /** Epoch ms: the event's time; a candidate timer's due time. */
  at: number;
  kind: 'init' | 'event';
  /** `xstate.init`, the recorded event's type, or the candidate timer's event. */
  eventType: string;
  /** A recorded timer event delivered to the candidate under another name (its machine names the state differently). */
  candidateEventType?: string;
  /** The state the log recorded at this point. */
  recordedState: unknown;
  /** The candidate's state after this step. */
  candidateState: ReplayStateValue;
  /** The candidate took the event; false: it was skipped and the candidate's state stayed. */
  accepted: boolean;
  /** The candidate's state equals the recorded one. */
  match: boolean;
  actions: string[];
  note?: string;
}

export type WhatIfDivergenceCause =
  /** The candidate starts in another state. */
  | 'initialState'
  /** The candidate could not take the recorded event (or, with `timers: 'candidate'`, a recorded timer was not due for it). */
  | 'eventSkipped'
  /** The candidate took the event and went elsewhere. */
  | 'differentTarget'
  /** A timer of the candidate fell due where the recording had none. */
  | 'candidateTimer';

export interface WhatIfDivergence {
  /** Index into `steps`. */
  stepIndex: number;
  version: number;
  eventType: string;
  cause: WhatIfDivergenceCause;
  recordedState: unknown;
  candidateState: ReplayStateValue;
  note?: string;
}

export interface WhatIfCounts {
  /** Event entries of the log. */
  recordedEvents: number;
  /** Recorded events the candidate took. */
  accepted: number;
  /** Recorded events the candidate skipped. */
  skipped: number;
  /** Recorded timer events delivered under the candidate's name for them. */
  timersMapped: number;
  /** Timers of the candidate that fired on their own (`timers: 'candidate'`). */
  candidateTimers: number;
  /** Steps whose candidate state differs from the recorded one. */
  divergentSteps: number;
  /** Effect entries of the log: they move no machine and are not replayed. */
  effectsIgnored: number;
}

export interface WhatIfReport {
  sessionId: string;
  /** The policy version the recording ran on. */
  recordedPolicyVersion: string | null;
  timers: WhatIfTimers;
  /** The input fields the what-if changed (see `WhatIfOptions.input`). */
  inputChanges: string[];
  steps: WhatIfStep[];
  firstDivergence: WhatIfDivergence | null;
  recordedFinalState: unknown;
  candidateFinalState: ReplayStateValue;
  candidateFinalStatus: SessionStatus;
  candidateFailureReason: FailureReason | null;
  /** The candidate's timers still set after the last entry: they would fire later, which the recording does not cover. */
  candidatePendingTimers: PendingTimer[];
  counts: WhatIfCounts;
}

type Snapshot = SessionSnapshot;

/** Candidate timers that fire back to back without a recorded event in between; more means a delay of zero loops. */
const maxTimersBetweenEntries = 100;

/**
 * Runs a recorded session's events through another machine (another policy version, or a draft)
 * and reports where the candidate's run leaves the recorded one. Events the candidate's state does
 * not take are skipped and reported; recorded timer events reach the candidate only where one of
 * its states has that delay. Pure: no clock, no I/O.
 */
export function whatIfReplay(candidate: SessionMachine, entries: readonly SessionLogEntry[], options: WhatIfOptions = {}): WhatIfReport {
  const recorded = readRecordedSession(entries);
  const timerMode = options.timers ?? 'recorded';
  const { input, changes } = candidateInputOf(recorded.input, options.input);
  const counts: WhatIfCounts = { recordedEvents: 0, accepted: 0, skipped: 0, timersMapped: 0, candidateTimers: 0, divergentSteps: 0, effectsIgnored: 0 };
  const causes: WhatIfDivergenceCause[] = [];

  const start = durableStart(candidate, input, recorded.init.at);
  let snapshot: Snapshot = start.snapshot;
  let timers: TimerSchedule = start.timers;
  let recordedState: unknown = recorded.init.state;
  let lastVersion = recorded.init.version;
  const steps: WhatIfStep[] = [];
  const push = (step: Omit<WhatIfStep, 'match' | 'recordedState'>, cause: WhatIfDivergenceCause) => {
    const { origin, version, at, kind, eventType, candidateEventType, candidateState, accepted, actions, note } = step;
    steps.push({
      origin,
      version,
      at,
      kind,
      eventType,
      ...(candidateEventType !== undefined ? { candidateEventType } : {}),
      recordedState,
      candidateState,
      accepted,
      match: stateValuesEqual(recordedState, candidateState),
      actions,
      ...(note !== undefined ? { note } : {}),
    });
    causes.push(cause);
  };
  const apply = (event: StepEvent): string[] => {
    const next = durableStep(candidate, { snapshot, timers }, event);
    timers = next.timers;
    snapshot = next.snapshot;
    return summarizeActions(next.machineActions);
  };

  push(
    {
      origin: 'recorded',
      version: recorded.init.version,
      at: recorded.init.at,
      kind: 'init',
      eventType: 'xstate.init',
      candidateState: toReplayStateValue(snapshot.value),
      accepted: true,
      actions: summarizeActions(start.machineActions),
      ...(changes.length ? { note: `input changed: ${changes.join(', ')}` } : {}),
    },
    'initialState',
  );

  for (const entry of recorded.rest) {
    if (entry.kind !== 'event') {
      counts.effectsIgnored += entry.kind === 'effect' ? 1 : 0;
      recordedState = entry.state;
      lastVersion = entry.version;
      continue;
    }
    const event = recordedEventOf(entry);
    counts.recordedEvents++;
    const recordedTimer = parseTimerEventType(event.type);

    if (timerMode === 'candidate') {
      // The candidate's own timers that fall due before this event fire first, as the engine delivers due timers first.
      for (let fired = 0; fired < maxTimersBetweenEntries && snapshot.status === 'active'; fired++) {
        const standsFor = recordedTimer ? matchTimerEvent(event.type, activeTimersOf(candidate, snapshot))?.timer.eventType : undefined;
        const due = pendingTimersOf(timers).find((timer) => timer.dueAt < event.at || (timer.dueAt === event.at && timer.eventType !== standsFor));
        if (!due) break;
        const actions = apply({ type: due.eventType as StepEvent['type'], at: due.dueAt } as StepEvent);
        counts.candidateTimers++;
        push(
          {
            origin: 'candidateTimer',
            version: lastVersion,
            at: due.dueAt,
            kind: 'event',
            eventType: due.eventType,
            candidateState: toReplayStateValue(snapshot.value),
            accepted: true,
            actions,
            note: `the candidate's ${due.delay} timer fell due`,
          },
          'candidateTimer',
        );
      }
    }

    recordedState = entry.state;
    lastVersion = entry.version;
    const before = toReplayStateValue(snapshot.value);
    /** The fields every step of this recorded event shares. */
    const thisEvent = { origin: 'recorded', version: entry.version, at: event.at, kind: 'event', eventType: event.type } as const;
    const skip = (note: string) => {
      counts.skipped++;
      push(
        {
          ...thisEvent,
          candidateState: before,
          accepted: false,
          actions: [],
          note,
        },
        'eventSkipped',
      );
    };

    if (snapshot.status !== 'active') {
      skip(`the candidate's session has already ended (${sessionOutcomeOf(snapshot).status})`);
      continue;
    }
    if (recordedTimer) {
      const found = matchTimerEvent(event.type, activeTimersOf(candidate, snapshot));
      if (!found) {
        skip(`no state the candidate is in (${JSON.stringify(before)}) has a ${recordedTimer.delay} timer`);
        continue;
      }
      const pending = timers[found.timer.eventType];
      if (timerMode === 'candidate' && pending !== event.at) {
        skip(
          pending
            ? `timers follow the candidate's schedule: its ${found.timer.delay} timer falls due ${offsetFrom(pending, event.at)}`
            : `timers follow the candidate's schedule: its ${found.timer.delay} timer is not set`,
        );
        continue;
      }
      const mapped = found.timer.eventType !== event.type;
      counts.timersMapped += mapped ? 1 : 0;
      counts.accepted++;
      const actions = apply({ type: found.timer.eventType, at: event.at } as StepEvent);
      const notes = [
        ...(mapped ? [`delivered as ${found.timer.eventType} (${matchDescriptions[found.by]})`] : []),
        ...(pending !== undefined && pending !== event.at
          ? [`the candidate's own ${found.timer.delay} timer would fall due ${offsetFrom(pending, event.at)}`]
          : []),
        ...(pending === undefined ? [`the candidate's ${found.timer.delay} timer was not set`] : []),
      ];
      push(
        {
          ...thisEvent,
          ...(mapped ? { candidateEventType: found.timer.eventType } : {}),
          candidateState: toReplayStateValue(snapshot.value),
          accepted: true,
          actions,
          ...(notes.length ? { note: notes.join('; ') } : {}),
        },
        'differentTarget',
      );
      continue;
    }
    if (!snapshot.can(event)) {
      skip(`the candidate's state ${JSON.stringify(before)} does not take ${event.type}`);
      continue;
    }
    counts.accepted++;
    const actions = apply(event);
    push(
      {
        ...thisEvent,
        candidateState: toReplayStateValue(snapshot.value),
        accepted: true,
        actions,
      },
      'differentTarget',
    );
  }

  counts.divergentSteps = steps.filter((step) => !step.match).length;
  const outcome = sessionOutcomeOf(snapshot);
  return {
    sessionId: recorded.sessionId,
    recordedPolicyVersion: recorded.policyVersion,
    timers: timerMode,
    inputChanges: changes,
    steps,
    firstDivergence: firstDivergenceOf(steps, causes),
    recordedFinalState: recordedState,
    candidateFinalState: toReplayStateValue(snapshot.value),
    candidateFinalStatus: outcome.status,
    candidateFailureReason: outcome.failureReason,
    candidatePendingTimers: snapshot.status === 'active' ? pendingTimersOf(timers) : [],
    counts,
  };
}

const matchDescriptions: Record<TimerMatch, string> = {
  sameEvent: 'the same event',
  statePath: 'the same delay on the state with the same path',
  delayOnly: 'the only active delay of that name',
};

/** `20000 ms earlier than the recorded one` */
function offsetFrom(dueAt: number, recordedAt: number): string {
  const ms = dueAt - recordedAt;
  return `${Math.abs(ms)} ms ${ms < 0 ? 'earlier' : 'later'} than the recorded one`;
}

function candidateInputOf(recorded: SessionInput, changes: WhatIfInputChanges | undefined): { input: SessionInput; changes: string[] } {
  if (!changes) return { input: recorded, changes: [] };
  const input: SessionInput = { ...recorded };
  const changed: string[] = [];
  for (const key of ['platform', 'boundPhoneNumber', 'device'] as const) {
    if (!Object.hasOwn(changes, key)) continue;
    const value = changes[key];
    if (JSON.stringify(value) === JSON.stringify(recorded[key])) continue;
    changed.push(key);
    if (value === undefined) delete input[key];
    else Object.assign(input, { [key]: value });
  }
  return { input, changes: changed };
}

function firstDivergenceOf(steps: readonly WhatIfStep[], causes: readonly WhatIfDivergenceCause[]): WhatIfDivergence | null {
  const index = steps.findIndex((step) => !step.match);
  if (index < 0) return null;
  const step = steps[index]!;
  return {
    stepIndex: index,
    version: step.version,
    eventType: step.eventType,
    cause: causes[index]!,
    recordedState: step.recordedState,
    candidateState: step.candidateState,
    ...(step.note ? { note: step.note } : {}),
  };
}
