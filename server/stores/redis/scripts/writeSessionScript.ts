import type { LuaScript } from '../luaScript.js';

/**
 * Creates a session or compare-and-sets it, together with its log entry, in one atomic step.
 *
 * KEYS[1] the state hash (fields `version`, `record`), KEYS[2] the log stream; both carry the
 * session's hash tag so they live in one Cluster slot.
 * ARGV: expected version ('' = the session must not exist), new version, record JSON,
 * TTL in ms, approximate log length cap, log entry JSON.
 * Returns {1} when written, else {0, current version} ('' when there is no session).
 */
export const writeSessionScript: LuaScript = {
  name: 'nfWriteSession',
  numberOfKeys: 2,
  lua: `
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == '' then
  if current then return {0, current} end
  -- A log left behind by an earlier session with this id must not leak into the new one.
  redis.call('DEL', KEYS[2])
elseif current ~= ARGV[1] then
  return {0, current or ''}
end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'record', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'entry', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1}
`,
};
