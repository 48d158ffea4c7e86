import type { LuaScript } from '../luaScript.js';

/**
 * Appends to a list and trims it to its newest entries.
 *
 * ARGV: value, maximum length, TTL in ms ('' = keep the list's current TTL).
 */
export const appendCappedScript: LuaScript = {
  name: 'nfAppendCapped',
  numberOfKeys: 1,
  lua: `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
if ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`,
};
