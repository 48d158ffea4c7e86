import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import type { RedisConnection } from '../../server/stores/redis/redisClient.js';
import { isPortFree, startRedisServer, type RedisServer } from './redisServer.js';

const run = promisify(execFile);

export interface RedisCluster {
  /** Comma-separated `redis://` seeds, one per master: what `REDIS_URL` takes for a cluster. */
  url: string;
  ports: number[];
  /** The redis-server processes, one per master, for tests that signal them (SIGSTOP to freeze one). */
  pids: number[];
  stop(): Promise<void>;
}

const MASTERS = 3;
/** Redis Cluster's bus listens on the client port + 10000; both must be free. */
const BUS_PORT_OFFSET = 10_000;
/**
 * Client ports from here, bus ports 10000 above, both below Linux's default ephemeral range
 * (32768–60999) so outgoing connections do not take them meanwhile; far from 6379/16379.
 */
const PORT_MIN = 10_000;
const PORT_MAX = 22_767;
const PORT_PICK_ATTEMPTS = 50;
const CREATE_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 20_000;

/**
 * A throwaway Redis Cluster of three masters (no replicas) on loopback ports, without
 * persistence: three `redis-server --cluster-enabled yes`, joined by `redis-cli --cluster create`.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'numberflow-redis-cluster-'));
  const started: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(started.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    for (let i = 0; i < MASTERS; i++) {
      started.push(
        await startRedisServer({
          pickPort: () => pickClusterPort(taken),
          extraArgs: (port) => {
            taken.add(port);
            return ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000', '--dir', dir];
          },
        }),
      );
    }
    const ports = started.map((server) => server.port);
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    try {
      await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { timeout: CREATE_TIMEOUT_MS });
    } catch (error) {
      const { code, stdout = '', stderr = '' } = error as { code?: unknown; stdout?: string; stderr?: string };
      if (code === 'ENOENT') throw new Error('redis-cli is not on PATH; the cluster tests need it: apt-get install redis-tools');
      throw new Error(`redis-cli --cluster create ${nodes.join(' ')} failed: ${(error as Error).message}\n${stdout}${stderr}`);
    }
    await waitUntilClusterOk(ports);
    return { url: ports.map((port) => `redis://127.0.0.1:${port}`).join(','), ports, pids: started.map((server) => server.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A random client port whose bus port is free too, not yet used by this cluster. */
async function pickClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < PORT_PICK_ATTEMPTS; attempt++) {
    const port = randomInt(PORT_MIN, PORT_MAX + 1);
    if (taken.has(port) || taken.has(port + BUS_PORT_OFFSET) || taken.has(port - BUS_PORT_OFFSET)) continue;
    if ((await isPortFree(port)) && (await isPortFree(port + BUS_PORT_OFFSET))) return port;
  }
  throw new Error(`No free port pair (port, port + ${BUS_PORT_OFFSET}) found in ${PORT_MIN}–${PORT_MAX}`);
}

/** Until every node says the cluster is ok, knows every master and sees all 16384 slots served. */
async function waitUntilClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const infos = await Promise.all(ports.map((port) => clusterInfo(port)));
    const ok = infos.every((info) => info.cluster_state === 'ok' && info.cluster_slots_ok === '16384' && info.cluster_known_nodes === String(ports.length));
    if (ok) return;
    last = infos.map((info, i) => `${ports[i]}: state=${info.cluster_state} slots_ok=${info.cluster_slots_ok} known=${info.cluster_known_nodes}`).join('; ');
    await sleep(50);
  }
  throw new Error(`Redis Cluster on ports ${ports.join(', ')} not ok within ${READY_TIMEOUT_MS} ms: ${last}`);
}

async function clusterInfo(port: number): Promise<Record<string, string>> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info'], { timeout: 5_000 });
    return Object.fromEntries(
      stdout
        .split(/\r?\n/)
        .map((line) => line.split(':'))
        .filter((parts): parts is [string, string] => parts.length === 2)
        .map(([key, value]) => [key.trim(), value.trim()]),
    );
  } catch {
    return {};
  }
}

/**
 * Every key matching the glob `pattern`, by SCAN on one server or on each master of a cluster
 * (a cluster's SCAN and KEYS see only the node they run on).
 */
export async function scanKeys(client: RedisConnection, pattern: string): Promise<string[]> {
  if (client instanceof Cluster && client.status !== 'ready') await once(client, 'ready');
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  const perServer = await Promise.all(
    servers.map(async (server) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      return keys;
    }),
  );
  return [...new Set(perServer.flat())];
}
