import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisConnection } from '../stores/redis/redisClient.js';
import { createRedisClient, redisTimings } from '../stores/redis/redisClient.js';
import type { JobCounts, JobHandlers, JobKind, JobOutcomeListener, JobQueue, JobSpec } from './jobQueue.js';
import { PermanentJobError } from './jobQueue.js';

export interface BullMqJobQueueOptions {
  url: string;
  keyPrefix: string;
  /** Jobs one worker process runs at once per kind (carrier calls wait for their deadline). */
  concurrency?: number;
  /** How long a job's lock lasts before a crashed worker's job is taken back (renewed at half of it while alive). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. */
  stalledIntervalMs?: number;
  onError?: (error: unknown, kind: JobKind, id: string | undefined) => void;
  onJobDone?: JobOutcomeListener;
}

const kinds: JobKind[] = ['action', 'webhook', 'maintenance'];

/**
 * Jobs on BullMQ: one queue per kind, each under its own hash tag so it lives in one Cluster
 * slot (`<prefix>{nf-action}:action:…`) while the queues spread across the nodes.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly producer: RedisConnection;
  private readonly queues: Record<JobKind, Queue>;
  private readonly workers: Worker[] = [];
  private workerConnection: RedisConnection | undefined;

  constructor(private readonly options: BullMqJobQueueOptions) {
    // Adding a job is on the request path: fail fast while Redis is down (the sweeper hands it over later),
    // within the command timeout of the add itself, not behind other batches to a frozen server.
    this.producer = createRedisClient(options.url, { autoPipelining: false, commandTimeoutMs: redisTimings.jobHandOverTimeoutMs });
    this.queues = Object.fromEntries(kinds.map((kind) => [kind, new Queue(kind, { connection: this.producer, prefix: this.prefixOf(kind) })])) as Record<
      JobKind,
      Queue
    >;
    for (const kind of kinds) this.queues[kind].on('error', (error) => options.onError?.(error, kind, undefined));
  }

  async add(spec: JobSpec): Promise<void> {
    await this.queues[spec.kind].add(spec.kind, spec.data, {
      jobId: spec.id,
      ...(spec.delayMs ? { delay: Math.max(0, Math.round(spec.delayMs)) } : {}),
      ...(spec.retry
        ? { attempts: spec.retry.attempts, backoff: { type: 'exponential', delay: spec.retry.baseDelayMs, jitter: spec.retry.jitter } }
        : { attempts: 1 }),
      // A finished job costs Redis memory and buys nothing: handed over again, its action is no longer pending.
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400, count: 1_000 },
    });
  }

  async repeat(job: { id: string; everyMs: number; data: Record<string, unknown> }): Promise<void> {
    await this.queues.maintenance.upsertJobScheduler(
      job.id,
      { every: job.everyMs },
      { name: job.id, data: job.data, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  async startWorker(handlers: JobHandlers): Promise<void> {
    this.workerConnection = createRedisClient(this.options.url, { blocking: true });
    for (const kind of kinds) {
      const worker = new Worker(kind, (job: Job) => this.process(kind, job, handlers), {
        connection: this.workerConnection,
        prefix: this.prefixOf(kind),
        // Maintenance runs one task at a time: two drains at once would only race each other.
        concurrency: kind === 'maintenance' ? 1 : (this.options.concurrency ?? 32),
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? 15_000,
        maxStalledCount: 3,
      });
      worker.on('error', (error) => this.options.onError?.(error, kind, undefined));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async counts(): Promise<Record<JobKind, JobCounts>> {
    const entries = await Promise.all(
      kinds.map(async (kind) => {
        const counts = await this.queues[kind].getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        return [
          kind,
          { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 },
        ];
      }),
    );
    return Object.fromEntries(entries) as Record<JobKind, JobCounts>;
  }

  async close(graceMs = 10_000): Promise<void> {
    // Workers finish what they run (bounded); what they do not finish is taken back by another worker after its lock expires.
    const timedOut = !(await settleWithin(Promise.all(this.workers.map((worker) => worker.close())), graceMs));
    if (timedOut) await settleWithin(Promise.all(this.workers.map((worker) => worker.close(true))), 2_000);
    await settleWithin(Promise.all(kinds.map((kind) => this.queues[kind].close())), 2_000);
    for (const connection of [this.workerConnection, this.producer]) {
      if (!connection) continue;
      // QUIT waits for an answer; a connection that cannot give one is cut.
      if (!(await settleWithin(connection.quit(), 1_000))) connection.disconnect();
    }
  }

  private async process(kind: JobKind, job: Job, handlers: JobHandlers): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    const started = Date.now();
    const report = (outcome: 'completed' | 'retrying' | 'failed') =>
      this.options.onJobDone?.(kind, {
        id: job.id ?? '',
        attempt,
        durationMs: Date.now() - started,
        latencyMs: Math.max(0, started - job.timestamp - (job.opts.delay ?? 0)),
        outcome,
      });
    try {
      await handlers[kind](job.data as Record<string, unknown>, { id: job.id ?? '', attempt, lastAttempt: attempt >= attempts });
      report('completed');
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      if (permanent || attempt >= attempts) {
        report('failed');
        await handlers.exhausted?.(kind, job.data as Record<string, unknown>, error instanceof Error ? error : new Error(String(error)));
        if (permanent) throw new UnrecoverableError((error as Error).message);
      } else {
        report('retrying');
      }
      throw error;
    }
  }

  private prefixOf(kind: JobKind): string {
    return `${this.options.keyPrefix}{nf-${kind}}`;
  }
}

/** True if `promise` settled (either way) within `ms`. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}
