/** The knobs of `npm run bench` (environment variables) and the environment of the processes it starts. */

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got ${raw}`);
  return value;
}

export const benchSettings = {
  /** Rounds of all load phases; each round measures the hello world again beside numberflow. */
  rounds: positiveInteger('BENCH_ROUNDS', 2),
  /** Concurrent connections of every load phase. */
  connections: positiveInteger('BENCH_CONNECTIONS', 50),
  /** Length of each load phase. */
  seconds: positiveInteger('BENCH_SECONDS', 5),
  /** Sessions created (then finished) to measure Redis bytes per session. */
  sessionsForMemory: positiveInteger('BENCH_SESSIONS', 5000),
  /** Stored sessions of the large Redis in the step-latency comparison (the small one holds 10k). */
  storedSessions: positiveInteger('BENCH_STORED', 1_000_000),
  /** When set, numberflow's processes write V8 CPU profiles (`--cpu-prof`) into this directory. */
  cpuProfileDirectory: process.env.BENCH_CPU_PROF || undefined,
};

/** Requests per kind in the Redis command census, and steps per one-request latency measurement. */
export const sampleRequests = 1000;
/** Stored sessions of the small Redis in the step-latency comparison. */
export const fewStoredSessions = 10_000;

export const benchCredentials = {
  adminToken: 'bench-admin-token-0123456789abcdef',
  accessKeyId: 'NFBENCHKEY01',
  accessKeySecret: 'bench-access-key-secret-0123456789',
  secret: 'bench-server-secret-0123456789abcdef0123',
  uplinkWebhookSecret: 'bench-uplink-secret-0123456789',
};

/**
 * The abuse limits a load test raises: one client address starts every session, sends every
 * event, and fresh numbers from one prefix get their SMS. The defaults stay as they are; the
 * README's "Benchmarks" lists these for anyone load-testing a deployment.
 */
export const loadTestLimits: Record<string, string> = {
  RATE_LIMIT_SESSION_STARTS_PER_IP: '1000000000',
  RATE_LIMIT_SESSION_STARTS_PER_SCHEME: '1000000000',
  RATE_LIMIT_EVENTS_PER_IP: '1000000000',
  RATE_LIMIT_BACKEND_CALLS_PER_IP: '1000000000',
  RATE_LIMIT_VERIFY_TOKEN_EXCHANGES_PER_KEY: '1000000000',
  SMS_SENDS_PER_PREFIX_PER_HOUR: '1000000000',
  SMS_DAILY_BUDGET_PER_SCHEME: '1000000000',
};

/** numberflow's environment in the benchmark: development mode (simulators), fixed credentials, raised limits. */
export function numberflowEnvironment(redis?: { url: string; keyPrefix: string }): Record<string, string> {
  return {
    ADMIN_TOKEN: benchCredentials.adminToken,
    ACCESS_KEY_ID: benchCredentials.accessKeyId,
    ACCESS_KEY_SECRET: benchCredentials.accessKeySecret,
    NUMBERFLOW_SECRET: benchCredentials.secret,
    UPLINK_WEBHOOK_SECRET: benchCredentials.uplinkWebhookSecret,
    ...loadTestLimits,
    ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix } : {}),
  };
}
