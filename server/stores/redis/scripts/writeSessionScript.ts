import type { LuaScript } from '../luaScript.js';

/**
 * Creates a session or compare-and-sets it, together with its new log entries and its places in
 * the indexes, in one atomic step. Every key carries the session's bucket hash tag, so on a Redis
 * Cluster they all live in one slot.
 *
 * KEYS: 1 the session (a list: element 0 `<version>|<record JSON>`, then the log entries), 2 the
 * due-timer index, 3 the outbox index, 4 the recent-sessions index (sorted sets of session ids).
 * ARGV: 1 expected version ('' = the session must not exist), 2 new version, 3 record JSON,
 * 4 TTL in ms, 5 log length cap, 6 earliest due time, 7 oldest outbox action (for both: a score,
 * '' to leave the index, '-' unchanged), 8 session id, 9 creation time, 10 recent-index cap,
 * 11… log entries.
 * Returns {1} when written, else {0, current version} ('' when there is no session).
 */
export const writeSessionScript: LuaScript = {
  name: 'nfWriteSession',
  numberOfKeys: 4,
  lua: `
local current = redis.call('LINDEX', KEYS[1], 0)
local currentVersion = current and string.match(current, '^(%d+)|')
local record = ARGV[2] .. '|' .. ARGV[3]
if ARGV[1] == '' then
  if current then return {0, currentVersion or ''} end
  -- A list left behind by an earlier session with this id must not leak into the new one.
  redis.call('DEL', KEYS[1])
  redis.call('RPUSH', KEYS[1], record)
  redis.call('ZADD', KEYS[4], ARGV[9], ARGV[8])
  local cap = tonumber(ARGV[10])
  if redis.call('ZCARD', KEYS[4]) > cap then redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(cap + 1)) end
elseif currentVersion ~= ARGV[1] then
  return {0, currentVersion or ''}
else
  redis.call('LSET', KEYS[1], 0, record)
end
local length = redis.call('RPUSH', KEYS[1], unpack(ARGV, 11))
local cap = tonumber(ARGV[5])
if length > cap + 1 then
  -- Keep the record (element 0) and the newest entries.
  local dropped = length - cap - 1
  local kept = redis.call('LRANGE', KEYS[1], dropped + 1, -1)
  redis.call('DEL', KEYS[1])
  redis.call('RPUSH', KEYS[1], record, unpack(kept))
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
for i = 6, 7 do
  if ARGV[i] == '' then redis.call('ZREM', KEYS[i - 4], ARGV[8])
  elseif ARGV[i] ~= '-' then redis.call('ZADD', KEYS[i - 4], ARGV[i], ARGV[8]) end
end
return {1}
`,
};
