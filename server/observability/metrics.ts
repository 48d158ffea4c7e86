import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobCounts, JobKind, JobOutcomeListener } from '../jobs/jobQueue.js';

/** Prometheus metrics of one process, in its own registry so several apps can live in one test process. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Histogram({
    name: 'numberflow_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly sessionsStarted = new Counter({
    name: 'numberflow_sessions_started_total',
    help: 'Sessions started by scene',
    labelNames: ['scene'],
    registers: [this.registry],
  });
  readonly sessionsFinished = new Counter({
    name: 'numberflow_sessions_finished_total',
    help: 'Sessions finished by scene and status',
    labelNames: ['scene', 'status'],
    registers: [this.registry],
  });
  readonly verifyTokensRedeemed = new Counter({
    name: 'numberflow_verify_tokens_redeemed_total',
    help: 'Verify token exchanges by result',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'numberflow_rate_limited_total',
    help: 'Requests and SMS sends refused by an abuse limit, by limit',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly smsBudgetExhausted = new Counter({
    name: 'numberflow_sms_budget_exhausted_total',
    help: 'Times a scheme spent its daily SMS budget (once per scheme and UTC day)',
    labelNames: ['scheme'],
    registers: [this.registry],
  });

  readonly jobAttempts = new Counter({
    name: 'numberflow_job_attempts_total',
    help: 'Job attempts by kind and outcome (completed, retrying, failed)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'numberflow_job_duration_seconds',
    help: 'How long a job attempt ran',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });
  readonly jobLatency = new Histogram({
    name: 'numberflow_job_latency_seconds',
    help: 'How long a job waited past its due time before a worker started it',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  private queueCounts: (() => Promise<Record<JobKind, JobCounts>>) | undefined;
  readonly queueDepth = new Gauge({
    name: 'numberflow_job_queue_depth',
    help: 'Jobs per kind and state (waiting, active, delayed, failed)',
    labelNames: ['kind', 'state'],
    registers: [this.registry],
    collect: async () => {
      if (!this.queueCounts) return;
      const counts = await this.queueCounts().catch(() => undefined);
      if (!counts) return;
      for (const [kind, byState] of Object.entries(counts)) for (const [state, n] of Object.entries(byState)) this.queueDepth.set({ kind, state }, n);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  readonly recordJob: JobOutcomeListener = (kind, job) => {
    this.jobAttempts.inc({ kind, outcome: job.outcome });
    this.jobDuration.observe({ kind }, job.durationMs / 1000);
    if (job.attempt === 1) this.jobLatency.observe({ kind }, job.latencyMs / 1000);
  };

  watchQueue(counts: () => Promise<Record<JobKind, JobCounts>>): void {
    this.queueCounts = counts;
  }
}
