import type { LuaScript } from '../luaScript.js';

/**
 * Replaces a string value only if it currently equals the expected one.
 *
 * ARGV: '1' if a value is expected ('0' = the key must be absent), the expected value,
 * '1' if there is a new value ('0' = delete the key), the new value,
 * TTL in ms for the new value ('' = keep the key's current TTL).
 * Returns 1 when swapped, 0 otherwise.
 */
export const compareAndSwapScript: LuaScript = {
  name: 'nfCompareAndSwap',
  numberOfKeys: 1,
  lua: `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] == '' then
  redis.call('SET', KEYS[1], ARGV[4], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
end
return 1
`,
};
