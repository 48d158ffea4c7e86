import type { LuaScript } from '../luaScript.js';

/**
 * Increments an integer counter and gives it a TTL only when this call created it, so a
 * window (e.g. a daily cap) is not extended by later increments.
 *
 * ARGV: increment, TTL in ms. Returns the new value.
 */
export const incrementScript: LuaScript = {
  name: 'nfIncrementWithTtlOnCreate',
  numberOfKeys: 1,
  lua: `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`,
};
