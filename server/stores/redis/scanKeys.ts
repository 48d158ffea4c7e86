import { Cluster } from 'ioredis';
import type { RedisConnection } from './redisClient.js';

/** Every key matching a glob, on one server or on each master of a cluster (SCAN, never KEYS). */
export async function scanKeys(redis: RedisConnection, match: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== '0');
  }
  return [...found];
}
