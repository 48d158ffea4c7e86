/**
 * Jobs: what must wait or retry (outbox actions after a failed attempt or a crash, webhooks) and
 * the deployment's maintenance (draining due timers, sweeping outboxes). BullMQ on Redis in
 * production, an in-process runner when embedded, behind this one interface. Every job has a
 * deterministic id, so adding the same job twice is one job.
 */
export type JobKind = 'action' | 'webhook' | 'maintenance';

export interface RetryPolicy {
  attempts: number;
  /** Exponential backoff: attempt n waits `baseDelayMs · 2^(n-1)`, spread by ± `jitter` (0–1). */
  baseDelayMs: number;
  jitter: number;
}

export interface JobSpec {
  kind: JobKind;
  /** Deterministic: `<kind-prefix>-<session>-<…>`; no `:` (BullMQ refuses it). */
  id: string;
  data: Record<string, unknown>;
  delayMs?: number;
  retry?: RetryPolicy;
}

export interface JobContext {
  id: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** True when this is the last attempt the retry policy allows. */
  lastAttempt: boolean;
}

/** Throw from a handler when retrying cannot help: the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export type JobHandler = (data: Record<string, unknown>, context: JobContext) => Promise<void>;

export interface JobHandlers {
  action: JobHandler;
  webhook: JobHandler;
  maintenance: JobHandler;
  /** Called once when a job has failed for good (attempts spent, or a PermanentJobError). */
  exhausted?: (kind: JobKind, data: Record<string, unknown>, error: Error) => Promise<void>;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Told about every attempt a worker in this process finished: for metrics. */
export type JobOutcomeListener = (
  kind: JobKind,
  job: { id: string; attempt: number; durationMs: number; latencyMs: number; outcome: 'completed' | 'retrying' | 'failed' },
) => void;

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  add(job: JobSpec): Promise<void>;
  /**
   * A maintenance job that runs every `everyMs`, once per deployment however many processes take
   * jobs (BullMQ keeps one schedule per id); scheduling it again only updates it.
   */
  repeat(job: { id: string; everyMs: number; data: Record<string, unknown> }): Promise<void>;
  /** Starts taking jobs in this process. */
  startWorker(handlers: JobHandlers): Promise<void>;
  counts(): Promise<Record<JobKind, JobCounts>>;
  /** Stops taking jobs, lets running ones finish (bounded by `graceMs`), closes connections. */
  close(graceMs?: number): Promise<void>;
}
