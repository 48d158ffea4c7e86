import type { Answer } from './steadyLoad.js';

/** The figures of one fault run, as the README's "Reliability" section reports them. */
export interface FaultFigures {
  fault: string;
  requests: number;
  byStatus: Record<string, number>;
  outageMs: number;
  /** From Redis back (restarted or thawed) until `/readyz` answered 200 again. */
  recoveryMs: number;
  /** `/readyz` asked once during the outage. */
  readinessDuringOutage: { status: number; ms: number };
  duringOutage: { requests: number; maxMs: number; p50Ms: number; p99Ms: number };
  flowsVerified: number;
  flowsGivenUp: number;
  sessionsChecked: number;
  sessionsLost: number;
  sessionsCorrupted: number;
}

export function countByStatus(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[String(answer.status)] = (counts[String(answer.status)] ?? 0) + 1;
  return counts;
}

export function latencies(answers: readonly Answer[]): { requests: number; maxMs: number; p50Ms: number; p99Ms: number } {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { requests: sorted.length, maxMs: sorted.at(-1) ?? 0, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function describeFigures(f: FaultFigures): string {
  const statuses = Object.entries(f.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  return [
    `[faults] ${f.fault}`,
    `  requests ${f.requests} (${statuses})`,
    `  outage ${(f.outageMs / 1000).toFixed(1)} s; /readyz during it ${f.readinessDuringOutage.status} in ${f.readinessDuringOutage.ms} ms; ready again ${f.recoveryMs} ms after Redis was back`,
    `  during the outage: ${f.duringOutage.requests} requests, latency max ${f.duringOutage.maxMs} ms, p50 ${f.duringOutage.p50Ms} ms, p99 ${f.duringOutage.p99Ms} ms`,
    `  flows verified ${f.flowsVerified}, given up ${f.flowsGivenUp}`,
    `  sessions checked ${f.sessionsChecked}, lost ${f.sessionsLost}, corrupted ${f.sessionsCorrupted}`,
  ].join('\n');
}
