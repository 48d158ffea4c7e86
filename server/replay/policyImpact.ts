import type { SessionMachine } from '../../machines/index.js';
import type { SessionLogEntry } from '../stores/sessionStore.js';
import { ReplayLogError } from './recordedLog.js';
import { whatIfReplay, type WhatIfDivergence, type WhatIfTimers } from './whatIfReplay.js';

/** One recorded session, as the impact of a policy change is measured on it. */
export interface RecordedRun {
  sessionId: string;
  /** How the session really ended (its stored snapshot). */
  status: string;
  entries: readonly SessionLogEntry[];
}

export interface OutcomeChange {
  recorded: string;
  candidate: string;
  count: number;
}

export interface PolicyImpactReport {
  /** Sessions replayed. */
  sessions: number;
  /** …that would have taken every step the same way. */
  sameWay: number;
  /** …that would have gone another way somewhere (their outcome may still be the same). */
  diverged: number;
  /** …whose log could not be replayed (reported, not counted above). */
  unreadable: number;
  /** How the sessions ended, and how they would have ended, counted by pair; most frequent first. */
  outcomes: OutcomeChange[];
  /** Up to `exampleLimit` sessions whose outcome would differ, to open one by one. */
  examples: { sessionId: string; recordedStatus: string; candidateStatus: string; firstDivergence: WhatIfDivergence | null }[];
}

/** Replays between two yields to the event loop, so a large measurement does not hold a server up. */
const runsPerSlice = 25;

/**
 * What a policy change would have done to sessions already run: each recorded log replayed under
 * the candidate machine (what-if replay), summed up as outcomes before and after. No I/O; it
 * only yields to the event loop between slices of replays.
 */
export async function policyImpact(
  candidate: SessionMachine,
  runs: readonly RecordedRun[],
  options: { timers?: WhatIfTimers; exampleLimit?: number } = {},
): Promise<PolicyImpactReport> {
  const exampleLimit = options.exampleLimit ?? 20;
  const outcomes = new Map<string, OutcomeChange>();
  const report: PolicyImpactReport = { sessions: 0, sameWay: 0, diverged: 0, unreadable: 0, outcomes: [], examples: [] };
  for (const [index, run] of runs.entries()) {
    if (index > 0 && index % runsPerSlice === 0) await new Promise((resolve) => setImmediate(resolve));
    let whatIf;
    try {
      whatIf = whatIfReplay(candidate, run.entries, options.timers ? { timers: options.timers } : {});
    } catch (error) {
      if (error instanceof ReplayLogError) {
        report.unreadable += 1;
        continue;
      }
      throw error;
    }
    report.sessions += 1;
    if (whatIf.firstDivergence) report.diverged += 1;
    else report.sameWay += 1;
    const key = `${run.status}\n${whatIf.candidateFinalStatus}`;
    const change = outcomes.get(key) ?? { recorded: run.status, candidate: whatIf.candidateFinalStatus, count: 0 };
    change.count += 1;
    outcomes.set(key, change);
    if (run.status !== whatIf.candidateFinalStatus && report.examples.length < exampleLimit) {
      report.examples.push({
        sessionId: run.sessionId,
        recordedStatus: run.status,
        candidateStatus: whatIf.candidateFinalStatus,
        firstDivergence: whatIf.firstDivergence,
      });
    }
  }
  report.outcomes = [...outcomes.values()].sort((a, b) => b.count - a.count || a.recorded.localeCompare(b.recorded));
  return report;
}
