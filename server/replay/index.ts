export { replaySession, type ReplayReport, type ReplayStep } from './replaySession.js';
export {
  whatIfReplay,
  type WhatIfCounts,
  type WhatIfDivergence,
  type WhatIfDivergenceCause,
  type WhatIfInputChanges,
  type WhatIfOptions,
  type WhatIfReport,
  type WhatIfStep,
  type WhatIfTimers,
} from './whatIfReplay.js';
export { readRecordedSession, ReplayLogError, type RecordedEffect, type RecordedSession } from './recordedLog.js';
export { summarizeActions } from './actionSummary.js';
export {
  parseTimerEventType,
  matchTimerEvent,
  activeTimersOf,
  type ActiveTimer,
  type PendingTimer,
  type TimerEventName,
  type TimerMatch,
} from '../../machines/timerEvents.js';
export type { ReplayStateValue } from './stateValues.js';
export { policyImpact, type OutcomeChange, type PolicyImpactReport, type RecordedRun } from './policyImpact.js';
export { sessionRecordingFormat, sessionRecordingSchema, type SessionRecording } from './sessionRecording.js';
