import type { SessionMachine, SessionStatus, FailureReason } from '../../machines/index.js';
import { durableStart, durableStep, type SessionSnapshot } from '../../machines/durableStep.js';
import { isTimerEventType, type TimerSchedule } from '../../machines/timerEvents.js';
import type { SessionLogEntry } from '../stores/sessionStore.js';
import { summarizeActions } from './actionSummary.js';
import { logIssuesOf, readRecordedSession, recordedEffectOf, recordedEventOf, type RecordedEffect } from './recordedLog.js';
import { sessionOutcomeOf } from './sessionOutcome.js';
import { stateValuesEqual, toReplayStateValue, type ReplayStateValue } from './stateValues.js';

/** One log entry, replayed. */
export interface ReplayStep {
  version: number;
  /** Epoch ms, as the entry recorded it. */
  at: number;
  kind: SessionLogEntry['kind'];
  /** `xstate.init` for the init entry, the event's type for an event entry, null for an effect entry. */
  eventType: string | null;
  /** An effect entry: the effect the log records as done. */
  effect?: RecordedEffect;
  /** The state value the log recorded after this entry. */
  recordedState: unknown;
  /** The state value the machine arrives at. */
  replayedState: ReplayStateValue;
  match: boolean;
  /** The actions the transition returned (see `summarizeActions`); none for an effect entry. */
  actions: string[];
  /** Something worth a tester's eye that does not decide `match` (an event the state did not take, a timer that was not set). */
  note?: string;
}

export interface ReplayReport {
  sessionId: string;
  /** The policy version the init entry names. */
  recordedPolicyVersion: string | null;
  /** Every step matched and the log has no gaps. */
  matches: boolean;
  /** The version of the first step that did not match, or null. */
  firstMismatch: number | null;
  steps: ReplayStep[];
  finalState: ReplayStateValue;
  finalStatus: SessionStatus;
  finalFailureReason: FailureReason | null;
  /** What is wrong with the log itself: gaps or repeats in its versions, a second init entry, a transition that threw. */
  issues: string[];
}

type Snapshot = SessionSnapshot;

/**
 * Replays a session's log through a machine, purely: `initialTransition` with the recorded input,
 * `transition` per recorded event, and for each entry whether the machine arrives at the state the
 * log recorded. Effect entries move nothing; their recorded state must equal the current one.
 * Redacted values (`[redacted]` access and verify tokens) only reach action params, so they replay
 * as well as the originals. No clock, no I/O: the same log always gives the same report.
 */
export function replaySession(machine: SessionMachine, entries: readonly SessionLogEntry[]): ReplayReport {
  const recorded = readRecordedSession(entries);
  const issues = logIssuesOf(entries);
  const start = durableStart(machine, recorded.input, recorded.init.at);
  let snapshot: Snapshot = start.snapshot;
  let timers: TimerSchedule = start.timers;
  const steps: ReplayStep[] = [stepOf(recorded.init, 'xstate.init', snapshot, summarizeActions(start.machineActions))];

  for (const entry of recorded.rest) {
    if (entry.kind === 'init') {
      steps.push({ ...stepOf(entry, 'xstate.init', snapshot, []), match: false, note: 'a second init entry: not replayed' });
      continue;
    }
    if (entry.kind === 'effect') {
      steps.push(stepOf(entry, null, snapshot, [], recordedEffectOf(entry)));
      continue;
    }
    const event = recordedEventOf(entry);
    const notes: string[] = [];
    if (!snapshot.can(event)) notes.push(`the state ${JSON.stringify(snapshot.value)} does not take ${event.type}; it changes nothing`);
    if (isTimerEventType(event.type) && !timers[event.type]) notes.push('no such timer was set at this point');
    let actions: string[];
    try {
      const next = durableStep(machine, { snapshot, timers }, event);
      timers = next.timers;
      snapshot = next.snapshot;
      actions = summarizeActions(next.machineActions);
    } catch (error) {
      const message = `the transition threw: ${error instanceof Error ? error.message : String(error)}`;
      issues.push(`version ${entry.version}: ${message}`);
      steps.push({ ...stepOf(entry, event.type, snapshot, []), match: false, note: [...notes, message].join('; ') });
      break;
    }
    steps.push(withNote(stepOf(entry, event.type, snapshot, actions), notes));
  }

  const outcome = sessionOutcomeOf(snapshot);
  const firstMismatch = steps.find((step) => !step.match)?.version ?? null;
  return {
    sessionId: recorded.sessionId,
    recordedPolicyVersion: recorded.policyVersion,
    matches: firstMismatch === null && issues.length === 0,
    firstMismatch,
    steps,
    finalState: toReplayStateValue(snapshot.value),
    finalStatus: outcome.status,
    finalFailureReason: outcome.failureReason,
    issues,
  };
}

function stepOf(entry: SessionLogEntry, eventType: string | null, snapshot: Snapshot, actions: string[], effect?: RecordedEffect): ReplayStep {
  const replayedState = toReplayStateValue(snapshot.value);
  return {
    version: entry.version,
    at: entry.at,
    kind: entry.kind,
    eventType,
    ...(effect ? { effect } : {}),
    recordedState: entry.state,
    replayedState,
    match: stateValuesEqual(entry.state, replayedState),
    actions,
  };
}

function withNote<T extends { note?: string }>(step: T, notes: string[]): T {
  return notes.length ? { ...step, note: notes.join('; ') } : step;
}
