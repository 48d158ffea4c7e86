import type { JobCounts, JobHandlers, JobKind, JobOutcomeListener, JobQueue, JobSpec } from './jobQueue.js';
import { PermanentJobError } from './jobQueue.js';
import { retryDelayMs } from './retryDelay.js';

interface Entry {
  spec: JobSpec;
  attempt: number;
  state: 'delayed' | 'waiting' | 'active';
  handle?: NodeJS.Timeout;
  /** When the job became due (epoch ms), for the latency metric. */
  dueAt: number;
}

const kinds: JobKind[] = ['action', 'webhook', 'maintenance'];

/**
 * The embedded job runner: the same contract as BullMQ (deterministic ids, delays, retries with
 * backoff, exhaustion), in this process's memory. What it holds is lost with the process, as is
 * everything else in the embedded mode.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly failed: Record<JobKind, number> = { action: 0, webhook: 0, maintenance: 0 };
  private readonly repeating = new Map<string, NodeJS.Timeout>();
  private handlers: JobHandlers | undefined;
  private running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly onError: (error: unknown, kind: JobKind, id: string) => void = () => {},
    private readonly onJobDone: JobOutcomeListener = () => {},
  ) {}

  async add(spec: JobSpec): Promise<void> {
    const key = keyOf(spec.kind, spec.id);
    if (this.closed || this.entries.has(key)) return;
    const entry: Entry = { spec, attempt: 1, state: 'waiting', dueAt: Date.now() };
    this.entries.set(key, entry);
    this.schedule(key, entry, spec.delayMs ?? 0);
  }

  async repeat(job: { id: string; everyMs: number; data: Record<string, unknown> }): Promise<void> {
    clearInterval(this.repeating.get(job.id));
    const every = setInterval(() => {
      // One run at a time: a tick that finds the last one still running skips.
      void this.add({ kind: 'maintenance', id: `${job.id}-run`, data: job.data });
    }, job.everyMs);
    every.unref();
    this.repeating.set(job.id, every);
  }

  async startWorker(handlers: JobHandlers): Promise<void> {
    this.handlers = handlers;
    for (const [key, entry] of this.entries) if (entry.state === 'waiting') this.schedule(key, entry, 0);
  }

  async counts(): Promise<Record<JobKind, JobCounts>> {
    const result = Object.fromEntries(kinds.map((kind) => [kind, { waiting: 0, active: 0, delayed: 0, failed: this.failed[kind] }])) as Record<
      JobKind,
      JobCounts
    >;
    for (const entry of this.entries.values()) result[entry.spec.kind][entry.state]++;
    return result;
  }

  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    for (const every of this.repeating.values()) clearInterval(every);
    for (const entry of this.entries.values()) clearTimeout(entry.handle);
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    this.entries.clear();
  }

  private schedule(key: string, entry: Entry, delayMs: number): void {
    entry.state = delayMs > 0 ? 'delayed' : 'waiting';
    entry.dueAt = Date.now() + delayMs;
    clearTimeout(entry.handle);
    entry.handle = setTimeout(() => this.run(key, entry), delayMs);
    entry.handle.unref();
  }

  private run(key: string, entry: Entry): void {
    const handlers = this.handlers;
    if (!handlers || this.closed) {
      entry.state = 'waiting';
      return;
    }
    entry.state = 'active';
    const { spec } = entry;
    const attempts = spec.retry?.attempts ?? 1;
    const lastAttempt = entry.attempt >= attempts;
    const started = Date.now();
    const report = (outcome: 'completed' | 'retrying' | 'failed') =>
      this.onJobDone(spec.kind, {
        id: spec.id,
        attempt: entry.attempt,
        durationMs: Date.now() - started,
        latencyMs: Math.max(0, started - entry.dueAt),
        outcome,
      });
    const run = (async () => {
      try {
        await handlers[spec.kind](spec.data, { id: spec.id, attempt: entry.attempt, lastAttempt });
        this.entries.delete(key);
        report('completed');
      } catch (error) {
        const permanent = error instanceof PermanentJobError;
        if (!permanent && !lastAttempt && spec.retry && !this.closed) {
          report('retrying');
          entry.attempt++;
          this.schedule(key, entry, retryDelayMs(spec.retry, entry.attempt - 1));
          return;
        }
        this.entries.delete(key);
        this.failed[spec.kind]++;
        report('failed');
        this.onError(error, spec.kind, spec.id);
        await handlers.exhausted?.(spec.kind, spec.data, error instanceof Error ? error : new Error(String(error)));
      }
    })().catch((error: unknown) => this.onError(error, spec.kind, spec.id));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}

const keyOf = (kind: JobKind, id: string) => `${kind}\0${id}`;
