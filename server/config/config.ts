import { isIP } from 'node:net';
import { z } from 'zod';
import type { DypnsClientOptions } from '../../adapters/alicloud/dypnsClient.js';
import type { RateLimitSettings } from '../limits/rateLimits.js';

const adapterName = z.enum(['simulator', 'alicloud']);
/** The carrier gateway may also be an operator's CAMARA Number Verification API. */
const carrierAdapterName = z.enum(['simulator', 'alicloud', 'camara']);
const httpUrl = z.url({ protocol: /^https?$/ });

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.string().optional(),
  REDIS_KEY_PREFIX: z.string().default('nf:'),
  NODE_ENV: z.string().optional(),
  ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN must have at least 24 characters').optional(),
  ACCESS_KEY_ID: z.string().min(8).optional(),
  ACCESS_KEY_SECRET: z.string().min(24, 'ACCESS_KEY_SECRET must have at least 24 characters').optional(),
  UPLINK_WEBHOOK_SECRET: z.string().min(24, 'UPLINK_WEBHOOK_SECRET must have at least 24 characters').optional(),
  NUMBERFLOW_SECRET: z.string().min(32, 'NUMBERFLOW_SECRET must have at least 32 characters').optional(),
  CARRIER_ADAPTER: carrierAdapterName.default('simulator'),
  SMS_ADAPTER: adapterName.default('simulator'),
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().min(1).optional(),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().min(1).optional(),
  ALIBABA_CLOUD_SECURITY_TOKEN: z.string().min(1).optional(),
  DYPNS_ENDPOINT: z.string().min(1).optional(),
  DYPNS_PROTOCOL: z.enum(['http', 'https']).optional(),
  DYPNS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
  DYPNS_READ_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  DYPNS_SIGN_NAME: z.string().min(1).optional(),
  DYPNS_TEMPLATE_CODE: z.string().min(1).optional(),
  CAMARA_API_ROOT: httpUrl.optional(),
  CAMARA_TOKEN_URL: httpUrl.optional(),
  CAMARA_CLIENT_ID: z.string().min(1).optional(),
  CAMARA_CLIENT_SECRET: z.string().min(1).optional(),
  CAMARA_SIM_SWAP_SCOPE: z.string().min(1).default('sim-swap:check'),
  CAMARA_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
  VENDOR_API_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3_000),
  VERIFY_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(600),
  SESSION_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3_600),
  SMS_DAILY_CAP_PER_NUMBER: z.coerce.number().int().min(1).max(1_000).default(10),
  RATE_LIMIT_SESSION_STARTS_PER_IP: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_SESSION_STARTS_PER_SCHEME: z.coerce.number().int().min(1).default(6_000),
  RATE_LIMIT_EVENTS_PER_IP: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_BACKEND_CALLS_PER_IP: z.coerce.number().int().min(1).default(1_200),
  RATE_LIMIT_CODE_CHECKS_PER_NUMBER: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_VERIFY_TOKEN_EXCHANGES_PER_KEY: z.coerce.number().int().min(1).default(600),
  SMS_SENDS_PER_PREFIX_PER_HOUR: z.coerce.number().int().min(1).default(30),
  SMS_DAILY_BUDGET_PER_SCHEME: z.coerce.number().int().min(1).default(1_000),
  SMS_COUNTRY_ALLOW_LIST: z
    .string()
    .default('CN')
    .transform((list) =>
      list
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((c) => c === '*' || /^[A-Z]{2}$/.test(c)), 'a comma-separated list of ISO 3166 country codes, or *'),
  RUN_JOBS: z.enum(['true', 'false']).default('true'),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  JOB_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  TIMER_DRAIN_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  SWEEP_STALE_AFTER_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  SMS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  SIMULATOR_SMS_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  SEED_DEMO: z.enum(['true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const setting = trustProxySetting(value);
      if (setting === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'a hop count, true or false, or a comma-separated list of addresses, subnets (CIDR) and loopback, linklocal or uniquelocal',
        });
      return setting ?? false;
    }),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must have at least 16 characters').optional(),
});

/** What Express's `trust proxy` takes: off, every hop, the first n hops, or the addresses of the proxies. */
export type TrustProxy = boolean | number | string[];

const namedProxyRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `TRUST_PROXY` as Express takes it, or `undefined` when it is none of the forms Express knows. */
function trustProxySetting(raw: string | undefined): TrustProxy | undefined {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value) <= 100 ? Number(value) : undefined;
  const entries = value.split(',').map((entry) => entry.trim());
  return entries.every(isProxyAddress) ? entries : undefined;
}

/** An address, a subnet (`10.0.0.0/8`, `fd00::/8`, `10.0.0.0/255.0.0.0`) or one of the named ranges. */
function isProxyAddress(entry: string): boolean {
  if (namedProxyRanges.has(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

export interface Config {
  port: number;
  host: string;
  redisUrl?: string;
  redisKeyPrefix: string;
  production: boolean;
  adminToken?: string;
  accessKey?: { id: string; secret: string };
  secret?: string;
  /** Signs inbound uplink-SMS webhooks from the SMS provider. */
  uplinkWebhookSecret?: string;
  carrierAdapter: 'simulator' | 'alicloud' | 'camara';
  /**
   * An operator's CAMARA APIs (outward): `apiRoot` for Number Verification (CARRIER_ADAPTER=camara) and
   * SIM Swap; the client credentials give SIM Swap its two-legged token. `accessTokenTtlSeconds` is
   * for the tokens numberflow issues itself as a CAMARA provider (inward).
   */
  camara: {
    apiRoot?: string;
    simSwap?: { tokenUrl: string; clientId: string; clientSecret: string; scope: string };
    accessTokenTtlSeconds: number;
  };
  /** Alibaba Cloud Dypnsapi, for the alicloud adapters; without keys the SDK's default credential chain. */
  dypns: DypnsClientOptions & { signName?: string; templateCode?: string };
  smsAdapter: 'simulator' | 'alicloud';
  /** The vendor-compatible endpoint at `/`: how far a request's signed time may be from ours (either way). */
  vendorApi: { clockSkewMs: number };
  carrierTimeoutMs: number;
  verifyTokenTtlSeconds: number;
  sessionRetentionSeconds: number;
  smsDailyCapPerNumber: number;
  rateLimits: RateLimitSettings;
  /** Whether this API process also runs the jobs (the default); a separate `npm run worker` always does. */
  runJobs: boolean;
  jobs: {
    concurrency: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
    /** How often due timers are delivered (a read of a session delivers its own at once). */
    timerDrainIntervalMs: number;
    sweepIntervalMs: number;
    sweepStaleAfterMs: number;
    smsRetryBaseMs: number;
    webhookRetryBaseMs: number;
  };
  /** The SMS simulator waits this long per message, as a slow gateway would (tests kill a worker mid-send with it). */
  simulatorSmsLatencyMs: number;
  shutdownGraceMs: number;
  seedDemo: boolean;
  logLevel: string;
  /** Which peers' `X-Forwarded-For` decides a request's client IP (Express's `trust proxy`); off by default. */
  trustProxy: TrustProxy;
  /** When set, `GET /metrics` wants `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
}

export class ConfigError extends Error {}

/** Reads the configuration from the environment; production refuses what is only fit for development. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if ((e.ACCESS_KEY_ID === undefined) !== (e.ACCESS_KEY_SECRET === undefined)) {
    throw new ConfigError('ACCESS_KEY_ID and ACCESS_KEY_SECRET go together');
  }
  if (e.CARRIER_ADAPTER === 'camara' && !e.CAMARA_API_ROOT) throw new ConfigError('CARRIER_ADAPTER=camara needs CAMARA_API_ROOT');
  const simSwapSettings = [e.CAMARA_TOKEN_URL, e.CAMARA_CLIENT_ID, e.CAMARA_CLIENT_SECRET];
  if (simSwapSettings.some((v) => v !== undefined) && (simSwapSettings.some((v) => v === undefined) || !e.CAMARA_API_ROOT)) {
    throw new ConfigError('SIM Swap needs CAMARA_API_ROOT, CAMARA_TOKEN_URL, CAMARA_CLIENT_ID and CAMARA_CLIENT_SECRET together');
  }
  if (production) {
    const missing = ['ADMIN_TOKEN', 'NUMBERFLOW_SECRET', 'UPLINK_WEBHOOK_SECRET', 'REDIS_URL'].filter((name) => !e[name as keyof typeof e]);
    if (missing.length) throw new ConfigError(`NODE_ENV=production refuses generated secrets and the in-memory store: set ${missing.join(', ')}`);
    const simulators = (['CARRIER_ADAPTER', 'SMS_ADAPTER'] as const).filter((name) => e[name] === 'simulator');
    if (simulators.length) throw new ConfigError(`NODE_ENV=production refuses simulator adapters: set ${simulators.join(' and ')} to a real adapter`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    production,
    ...(e.ADMIN_TOKEN ? { adminToken: e.ADMIN_TOKEN } : {}),
    ...(e.ACCESS_KEY_ID && e.ACCESS_KEY_SECRET ? { accessKey: { id: e.ACCESS_KEY_ID, secret: e.ACCESS_KEY_SECRET } } : {}),
    ...(e.NUMBERFLOW_SECRET ? { secret: e.NUMBERFLOW_SECRET } : {}),
    ...(e.UPLINK_WEBHOOK_SECRET ? { uplinkWebhookSecret: e.UPLINK_WEBHOOK_SECRET } : {}),
    carrierAdapter: e.CARRIER_ADAPTER,
    dypns: {
      ...(e.ALIBABA_CLOUD_ACCESS_KEY_ID ? { accessKeyId: e.ALIBABA_CLOUD_ACCESS_KEY_ID } : {}),
      ...(e.ALIBABA_CLOUD_ACCESS_KEY_SECRET ? { accessKeySecret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET } : {}),
      ...(e.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: e.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
      ...(e.DYPNS_ENDPOINT ? { endpoint: e.DYPNS_ENDPOINT } : {}),
      ...(e.DYPNS_PROTOCOL ? { protocol: e.DYPNS_PROTOCOL } : {}),
      connectTimeoutMs: e.DYPNS_CONNECT_TIMEOUT_MS,
      readTimeoutMs: e.DYPNS_READ_TIMEOUT_MS,
      ...(e.DYPNS_SIGN_NAME ? { signName: e.DYPNS_SIGN_NAME } : {}),
      ...(e.DYPNS_TEMPLATE_CODE ? { templateCode: e.DYPNS_TEMPLATE_CODE } : {}),
    },
    smsAdapter: e.SMS_ADAPTER,
    camara: {
      ...(e.CAMARA_API_ROOT ? { apiRoot: e.CAMARA_API_ROOT } : {}),
      ...(e.CAMARA_TOKEN_URL && e.CAMARA_CLIENT_ID && e.CAMARA_CLIENT_SECRET
        ? { simSwap: { tokenUrl: e.CAMARA_TOKEN_URL, clientId: e.CAMARA_CLIENT_ID, clientSecret: e.CAMARA_CLIENT_SECRET, scope: e.CAMARA_SIM_SWAP_SCOPE } }
        : {}),
      accessTokenTtlSeconds: e.CAMARA_ACCESS_TOKEN_TTL_SECONDS,
    },
    vendorApi: { clockSkewMs: e.VENDOR_API_CLOCK_SKEW_SECONDS * 1000 },
    carrierTimeoutMs: e.CARRIER_TIMEOUT_MS,
    verifyTokenTtlSeconds: e.VERIFY_TOKEN_TTL_SECONDS,
    sessionRetentionSeconds: e.SESSION_RETENTION_SECONDS,
    smsDailyCapPerNumber: e.SMS_DAILY_CAP_PER_NUMBER,
    rateLimits: {
      sessionStartsPerIpPerMinute: e.RATE_LIMIT_SESSION_STARTS_PER_IP,
      sessionStartsPerSchemePerMinute: e.RATE_LIMIT_SESSION_STARTS_PER_SCHEME,
      eventsPerIpPerMinute: e.RATE_LIMIT_EVENTS_PER_IP,
      backendCallsPerIpPerMinute: e.RATE_LIMIT_BACKEND_CALLS_PER_IP,
      codeChecksPerNumberPerDay: e.RATE_LIMIT_CODE_CHECKS_PER_NUMBER,
      verifyTokenExchangesPerKeyPerMinute: e.RATE_LIMIT_VERIFY_TOKEN_EXCHANGES_PER_KEY,
      sms: {
        sendsPerPrefixPerHour: e.SMS_SENDS_PER_PREFIX_PER_HOUR,
        dailyBudgetPerScheme: e.SMS_DAILY_BUDGET_PER_SCHEME,
        countryAllowList: e.SMS_COUNTRY_ALLOW_LIST,
      },
    },
    runJobs: e.RUN_JOBS === 'true',
    jobs: {
      concurrency: e.JOB_CONCURRENCY,
      lockDurationMs: e.JOB_LOCK_MS,
      stalledIntervalMs: e.JOB_STALLED_INTERVAL_MS,
      timerDrainIntervalMs: e.TIMER_DRAIN_INTERVAL_MS,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      sweepStaleAfterMs: e.SWEEP_STALE_AFTER_MS,
      smsRetryBaseMs: e.SMS_RETRY_BASE_MS,
      webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    },
    simulatorSmsLatencyMs: e.SIMULATOR_SMS_LATENCY_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    seedDemo: e.SEED_DEMO ? e.SEED_DEMO === 'true' : !production,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
  };
}
