import type { RedisConnection } from './redisClient.js';

/** A Lua script registered on a connection under `name` (ioredis sends EVALSHA, falling back to EVAL). */
export interface LuaScript {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

export type LuaScriptCall = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/** Registers the script on the connection and returns a typed way to run it. */
export function bindLuaScript(redis: RedisConnection, script: LuaScript): LuaScriptCall {
  redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  // defineCommand adds a method named after the script, which ioredis's types cannot know about.
  const command = (redis as unknown as Record<string, (...keysThenArgs: (string | number)[]) => Promise<unknown>>)[script.name];
  if (typeof command !== 'function') throw new Error(`Lua script ${script.name} was not registered`);
  return (keys, args) => {
    if (keys.length !== script.numberOfKeys) {
      throw new Error(`Lua script ${script.name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
    }
    return command.call(redis, ...keys, ...args);
  };
}
