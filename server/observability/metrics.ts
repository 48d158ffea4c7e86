import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
