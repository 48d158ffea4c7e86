/**
 * `npm run bench`: how fast and how lean the session engine is, end to end over HTTP, on the
 * in-memory store and on a real redis-server it starts itself. One-click logons (start a session,
 * exchange the carrier token, redeem the verify token) at a fixed concurrency; then the memory a
 * pending session costs. Prints a Markdown table; the README's "Benchmarks" keeps the last run.
 */
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../server/config/config.js';
import { createNumberflow } from '../../server/createNumberflow.js';
import { demoSchemes } from '../../server/setup/demoSchemes.js';
import { startRedisServer } from '../support/redisServer.js';

const logons = Number(process.env.BENCH_LOGONS ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const pendingSessions = Number(process.env.BENCH_PENDING ?? 5000);
const credentials = { admin: 'bench-admin-token-0123456789abcdef', id: 'NFBENCHKEY01', secret: 'bench-access-key-secret-0123456789' };
const android = demoSchemes[0]!;

interface Row {
  store: string;
  logonsPerSecond: number;
  start: number[];
  step: number[];
  bytesPerPendingSession: number;
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const rows: Row[] = [];
  try {
    for (const store of ['memory', 'redis'] as const) rows.push(await measure(store, store === 'redis' ? redis.url : undefined));
  } finally {
    await redis.stop();
  }
  const ms = (values: number[], q: number) => percentile(values, q).toFixed(1);
  process.stdout.write(
    [
      `${logons} one-click logons at concurrency ${concurrency}, memory measured over ${pendingSessions} pending sessions. Node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| store | logons/s | start p50 / p95 / p99 (ms) | carrier step p50 / p95 / p99 (ms) | memory per pending session |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.store} | ${r.logonsPerSecond.toFixed(0)} | ${ms(r.start, 50)} / ${ms(r.start, 95)} / ${ms(r.start, 99)} | ${ms(r.step, 50)} / ${ms(r.step, 95)} / ${ms(r.step, 99)} | ${(r.bytesPerPendingSession / 1024).toFixed(1)} KiB |`,
      ),
      '',
    ].join('\n'),
  );
}

async function measure(store: 'memory' | 'redis', redisUrl: string | undefined): Promise<Row> {
  const config = loadConfig({
    ADMIN_TOKEN: credentials.admin,
    ACCESS_KEY_ID: credentials.id,
    ACCESS_KEY_SECRET: credentials.secret,
    NUMBERFLOW_SECRET: 'bench-server-secret-0123456789abcdef0123',
    UPLINK_WEBHOOK_SECRET: 'bench-uplink-secret-0123456789',
    RATE_LIMIT_SESSION_STARTS_PER_IP: '10000000',
    RATE_LIMIT_SESSION_STARTS_PER_SCHEME: '10000000',
    RATE_LIMIT_EVENTS_PER_IP: '10000000',
    RATE_LIMIT_BACKEND_CALLS_PER_IP: '10000000',
    RATE_LIMIT_VERIFY_TOKEN_EXCHANGES_PER_KEY: '10000000',
    LOG_LEVEL: 'silent',
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench-${Date.now()}:` } : {}),
  });
  const numberflow = await createNumberflow(config, { logger: pino({ level: 'silent' }) });
  const server = numberflow.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const basic = `Basic ${Buffer.from(`${credentials.id}:${credentials.secret}`).toString('base64')}`;
  const post = async (path: string, body: unknown, authorization?: string) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, any>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    const { authToken } = await post(
      '/v1/fusion-auth/token',
      { schemeCode: android.code, platform: 'Android', packageName: android.packageName, packageSign: android.packageSign, durationSeconds: 3600 },
      basic,
    );
    const bearer = `Bearer ${authToken}`;
    const start: number[] = [];
    const step: number[] = [];
    const logon = async (n: number, record: boolean) => {
      let t = performance.now();
      const session = await post('/v1/sessions', { sceneCode: '100001', device: { cellularAvailable: true } }, bearer);
      if (record) start.push(performance.now() - t);
      const phoneNumber = `139${String(10_000_000 + n).slice(-8)}`;
      const { accessToken } = await post('/v1/simulator/carrier-token', { phoneNumber });
      t = performance.now();
      const done = await post(`/v1/sessions/${session.id}/events`, { type: 'NUMBER_AUTH_TOKEN', accessToken }, bearer);
      if (record) step.push(performance.now() - t);
      if (done.status !== 'verified') throw new Error(`session ${session.id} ended ${done.status}`);
      await post('/v1/fusion-auth/verify', { verifyToken: done.verifyToken }, basic);
    };
    await runAll(50, concurrency, (n) => logon(n, false), `${store}: warming up`);
    const began = performance.now();
    await runAll(logons, concurrency, (n) => logon(1000 + n, true), `${store}: one-click logons`);
    const logonsPerSecond = logons / ((performance.now() - began) / 1000);

    const before = await memoryUsed(store, redisUrl);
    await runAll(pendingSessions, concurrency, () => post('/v1/sessions', { sceneCode: '100001', device: {} }, bearer), `${store}: pending sessions`);
    const after = await memoryUsed(store, redisUrl);
    return { store, logonsPerSecond, start, step, bytesPerPendingSession: Math.max(0, after - before) / pendingSessions };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await numberflow.close();
  }
}

/** Heap of this process (the memory store) or the redis-server's used memory, after a GC when it can. */
async function memoryUsed(store: 'memory' | 'redis', redisUrl: string | undefined): Promise<number> {
  if (store === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
  }
  const client = new Redis(redisUrl!);
  try {
    const info = await client.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    await client.quit();
  }
}

async function runAll(count: number, parallel: number, task: (n: number) => Promise<unknown>, label: string): Promise<void> {
  let next = 0;
  let finished = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((finished / count) * width);
    process.stderr.write(`\r${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${finished}/${count}`);
  };
  draw();
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const n = next++;
        await task(n);
        finished += 1;
        if (finished % Math.max(1, Math.floor(count / 50)) === 0 || finished === count) draw();
      }
    }),
  );
  process.stderr.write('\n');
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
