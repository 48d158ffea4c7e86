/** What Redis itself says about numberflow's requests: commands per request, memory per session. */
import { Redis } from 'ioredis';
import { sessionBucket } from '../../server/stores/redis/redisSessionStore.js';

/** Commands per request: `total` from `INFO commandstats` (which counts the calls inside Lua scripts too), `client` as sent by clients. */
export interface CommandsPerRequest {
  total: number;
  /** Commands clients sent (an EVALSHA is one), counted with MONITOR. */
  client: number;
  /** total − client: the calls Lua scripts made. */
  inLua: number;
  /** The client commands by name, per request. */
  clientByName: Record<string, number>;
  /** The calls inside Lua scripts by name, per request (as MONITOR shows them). */
  luaByName: Record<string, number>;
}

/** The probe's own commands, left out of the counts. */
const probeCommands = new Set(['info', 'monitor', 'echo', 'config|resetstat', 'memory|usage', 'flushall']);

export class RedisProbe {
  readonly #redis: Redis;

  constructor(readonly url: string) {
    this.#redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  /** Allocated bytes (`used_memory`). */
  async usedMemory(): Promise<number> {
    return Number(/used_memory:(\d+)/.exec(await this.#redis.info('memory'))?.[1]);
  }

  /** Bytes of one key with its value, as `MEMORY USAGE` estimates them (every element sampled). */
  async keyMemory(key: string): Promise<number> {
    return Number(await this.#redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  }

  /** `Redis 7.0.15`. */
  async version(): Promise<string> {
    return `Redis ${/redis_version:(\S+)/.exec(await this.#redis.info('server'))?.[1] ?? '?'}`;
  }

  /** A clean Redis for the next phase (numberflow's process on it is started afterwards). */
  async flush(): Promise<void> {
    await this.#redis.flushall();
  }

  /**
   * Runs `requests` (which answers how many requests it made) between `CONFIG RESETSTAT` and
   * `INFO commandstats`, with MONITOR telling client commands from those inside scripts. Background
   * work (job workers waiting, the timer drain) in that time is counted too.
   */
  async countCommands(requests: () => Promise<number>): Promise<CommandsPerRequest> {
    const monitor = await this.#redis.monitor();
    const clientByName: Record<string, number> = {};
    const luaByName: Record<string, number> = {};
    let client = 0;
    let ended = false;
    const endMarker = `census-end-${Math.random()}`;
    const sawEnd = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        const name = args[0]?.toLowerCase() ?? '';
        if (name === 'echo' && args[1] === endMarker) {
          ended = true;
          resolve();
        }
        if (ended || probeCommands.has(name) || name === 'config') return;
        if (source === 'lua') {
          luaByName[name] = (luaByName[name] ?? 0) + 1;
          return;
        }
        client += 1;
        clientByName[name] = (clientByName[name] ?? 0) + 1;
      });
    });
    await this.#redis.config('RESETSTAT');
    const count = await requests();
    await this.#redis.echo(endMarker);
    await sawEnd;
    monitor.disconnect();
    const stats = await this.#redis.info('commandstats');
    let total = 0;
    for (const match of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!probeCommands.has(match[1]!)) total += Number(match[2]);
    const perRequest = (n: number) => n / count;
    return {
      total: perRequest(total),
      client: perRequest(client),
      inLua: perRequest(total - client),
      clientByName: Object.fromEntries(Object.entries(clientByName).map(([name, n]) => [name, perRequest(n)])),
      luaByName: Object.fromEntries(Object.entries(luaByName).map(([name, n]) => [name, perRequest(n)])),
    };
  }

  /** Copies `templateKey` (DUMP and RESTORE, byte for byte, with its TTL) to a new key per `newKey` call until `count` are made. */
  async copyKey(templateKey: string, count: number, newKey: () => string, progress: (made: number) => void): Promise<void> {
    const [dumped, ttl] = await Promise.all([this.#redis.dumpBuffer(templateKey), this.#redis.pttl(templateKey)]);
    if (!dumped) throw new Error(`${templateKey} does not exist`);
    const batch = 5000;
    for (let made = 0; made < count;) {
      const pipeline = this.#redis.pipeline();
      const size = Math.min(batch, count - made);
      for (let i = 0; i < size; i++) pipeline.restore(newKey(), Math.max(0, ttl), dumped);
      const replies = await pipeline.exec();
      const failed = replies?.find(([error]) => error);
      if (failed) throw failed[0]!;
      made += size;
      progress(made);
    }
  }

  async close(): Promise<void> {
    await this.#redis.quit();
  }
}

/** The Redis key of a session, as the Redis session store names it. */
export function storedSessionKey(keyPrefix: string, sessionId: string): string {
  return `${keyPrefix}s:{${sessionBucket(sessionId)}}:${sessionId}`;
}
