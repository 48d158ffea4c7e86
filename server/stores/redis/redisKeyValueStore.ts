import type { KeyValueStore } from '../keyValueStore.js';
import { assertIncrement, assertMaxLength, assertPlainText, ttlAsWholeMs } from '../storeArguments.js';
import { scanKeys } from './scanKeys.js';
import { bindLuaScript, type LuaScriptCall } from './luaScript.js';
import type { RedisConnection } from './redisClient.js';
import { appendCappedScript } from './scripts/appendCappedScript.js';
import { compareAndSwapScript } from './scripts/compareAndSwapScript.js';
import { incrementScript } from './scripts/incrementScript.js';
import { countInWindowsScript } from './scripts/countInWindowsScript.js';

/** KeyValueStore on Redis: one key per operation, so it works on Redis Cluster unchanged. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #redis: RedisConnection;
  readonly #keyPrefix: string;
  readonly #compareAndSwap: LuaScriptCall;
  readonly #increment: LuaScriptCall;
  readonly #appendCapped: LuaScriptCall;
  readonly #countInWindows: LuaScriptCall;

  constructor(redis: RedisConnection, keyPrefix: string) {
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
    this.#compareAndSwap = bindLuaScript(redis, compareAndSwapScript);
    this.#increment = bindLuaScript(redis, incrementScript);
    this.#appendCapped = bindLuaScript(redis, appendCappedScript);
    this.#countInWindows = bindLuaScript(redis, countInWindowsScript);
  }

  async get(key: string): Promise<string | null> {
    return this.#redis.get(this.#key(key));
  }

  async set(key: string, value: string, options: { ttlMs?: number; onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const fullKey = this.#key(key);
    const { ttlMs, onlyIfAbsent = false } = options;
    let reply: 'OK' | null;
    if (ttlMs === undefined) {
      reply = onlyIfAbsent ? await this.#redis.set(fullKey, value, 'NX') : await this.#redis.set(fullKey, value);
    } else {
      const px = ttlAsWholeMs(ttlMs);
      reply = onlyIfAbsent ? await this.#redis.set(fullKey, value, 'PX', px, 'NX') : await this.#redis.set(fullKey, value, 'PX', px);
    }
    return reply === 'OK';
  }

  async getDel(key: string): Promise<string | null> {
    return this.#redis.getdel(this.#key(key));
  }

  async del(key: string): Promise<boolean> {
    return (await this.#redis.del(this.#key(key))) > 0;
  }

  async compareAndSwap(key: string, expected: string | null, value: string | null, ttlMs?: number): Promise<boolean> {
    const reply = await this.#compareAndSwap(
      [this.#key(key)],
      [expected === null ? '0' : '1', expected ?? '', value === null ? '0' : '1', value ?? '', ttlMs === undefined ? '' : ttlAsWholeMs(ttlMs)],
    );
    return reply === 1;
  }

  async increment(key: string, by: number, ttlMs: number): Promise<number> {
    assertIncrement(by);
    const reply = await this.#increment([this.#key(key)], [by, ttlAsWholeMs(ttlMs)]);
    return Number(reply);
  }

  async countInWindows(key: string, windowsMs: readonly number[], record: boolean): Promise<number[]> {
    if (windowsMs.length === 0) return [];
    return (await this.#countInWindows([this.#key(key)], [record ? '1' : '0', ...windowsMs.map(ttlAsWholeMs)])) as number[];
  }

  async appendCapped(key: string, value: string, maxLength: number, ttlMs?: number): Promise<void> {
    assertMaxLength(maxLength);
    await this.#appendCapped([this.#key(key)], [value, maxLength, ttlMs === undefined ? '' : ttlAsWholeMs(ttlMs)]);
  }

  async listRange(key: string): Promise<string[]> {
    return this.#redis.lrange(this.#key(key), 0, -1);
  }

  async addToSet(key: string, member: string): Promise<void> {
    await this.#redis.sadd(this.#key(key), member);
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.#redis.srem(this.#key(key), member);
  }

  async setMembers(key: string): Promise<string[]> {
    return this.#redis.smembers(this.#key(key));
  }

  async keysContaining(text: string): Promise<string[]> {
    assertPlainText(text);
    const keys = await scanKeys(this.#redis, `${this.#keyPrefix}*${text}*`);
    return keys.map((key) => key.slice(this.#keyPrefix.length));
  }

  async ttlMs(key: string): Promise<number | null> {
    const remaining = await this.#redis.pttl(this.#key(key));
    // PTTL answers -2 for a missing key and -1 for a key without TTL.
    return remaining < 0 ? null : remaining;
  }

  #key(key: string): string {
    return this.#keyPrefix + key;
  }
}
