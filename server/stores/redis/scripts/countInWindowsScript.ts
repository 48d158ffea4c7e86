import type { LuaScript } from '../luaScript.js';

/**
 * Counters of one subject in several fixed windows, in one hash (one HMGET and one HSET for all): a field per window length holds
 * `<count>:<window end in ms>`; a window starts with the first event after the last one ended. The
 * hash lives until its longest window ends.
 *
 * ARGV: 1 whether to count this event ('1') or only read ('0'), 2… window lengths in ms.
 * Returns the count of each window, in the order given.
 */
export const countInWindowsScript: LuaScript = {
  name: 'nfCountInWindows',
  numberOfKeys: 1,
  lua: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local record = ARGV[1] == '1'
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
local stored = redis.call('HMGET', KEYS[1], unpack(fields))
local counts, updates = {}, {}
local latestEnd = 0
for i, field in ipairs(fields) do
  local count, ends = 0, 0
  if stored[i] then
    local c, e = string.match(stored[i], '^(%d+):(%d+)$')
    count, ends = tonumber(c), tonumber(e)
  end
  if ends <= now then count, ends = 0, now + tonumber(field) end
  if record then
    count = count + 1
    updates[#updates + 1] = field
    updates[#updates + 1] = count .. ':' .. ends
  end
  counts[#counts + 1] = count
  if ends > latestEnd then latestEnd = ends end
end
if record then
  redis.call('HSET', KEYS[1], unpack(updates))
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 or now + ttl < latestEnd then redis.call('PEXPIREAT', KEYS[1], latestEnd) end
end
return counts
`,
};
