/** The processes a benchmark measures: the hello world and numberflow (API, and a worker), each a Node process of its own. */
import { randomUUID } from 'node:crypto';
import { startNodeProcess, startServerProcess, startWorkerProcess, type ServerProcess } from '../support/serverProcess.js';
import { benchSettings, numberflowEnvironment } from './benchSettings.js';

export type Store = 'memory' | 'redis';

export interface Numberflow {
  baseUrl: string;
  store: Store;
  /** The Redis key prefix of this numberflow (Redis only). */
  keyPrefix: string;
  stop(): Promise<void>;
}

export function startHelloWorld(): Promise<ServerProcess> {
  return startNodeProcess('tests/bench/helloWorld.ts', {}, /listening on (http:\/\/[\d.]+:\d+)/);
}

/**
 * numberflow as `npm start` runs it, on the memory store or on the given Redis (a fresh key
 * prefix); `separateWorker` runs the jobs in a `npm run worker` process instead of the API's.
 */
export async function startNumberflow(options: { redisUrl?: string; separateWorker?: boolean }): Promise<Numberflow> {
  const keyPrefix = `bench-${randomUUID().slice(0, 8)}:`;
  const env = numberflowEnvironment(options.redisUrl ? { url: options.redisUrl, keyPrefix } : undefined);
  const nodeArgs = benchSettings.cpuProfileDirectory ? ['--cpu-prof', '--cpu-prof-dir', benchSettings.cpuProfileDirectory] : [];
  const api = await startServerProcess({ ...env, ...(options.separateWorker ? { RUN_JOBS: 'false' } : {}) }, nodeArgs);
  const worker = options.separateWorker ? await startWorkerProcess(env, nodeArgs) : undefined;
  return {
    baseUrl: api.baseUrl,
    store: options.redisUrl ? 'redis' : 'memory',
    keyPrefix,
    async stop() {
      await Promise.all([api.kill(), worker?.kill()]);
    },
  };
}
