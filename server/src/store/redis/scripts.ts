/**
 * The Lua scripts of the Redis store: every change that must have one winner
 * runs as one script, so two instances racing get exactly one winner.
 */
import { LuaScript } from './connection.ts';

// Shared Lua helpers. Times are the calling instance's epoch ms (ARGV), TTLs are
// relative, so Redis's own clock does not matter.
const LUA_HELPERS = `
local function int(x) return string.format('%d', x) end
local function expire_at(key, at, now)
  if at <= now then redis.call('DEL', key) else redis.call('PEXPIRE', key, int(at - now)) end
end
local function extend_to(key, at, now)
  local t = redis.call('PTTL', key)
  if t == -1 or (t >= 0 and t < at - now) then redis.call('PEXPIRE', key, int(at - now)) end
end
local function live_session(key, now)
  if redis.call('EXISTS', key) == 0 then return nil end
  local exp = tonumber(redis.call('HGET', key, 'exp'))
  if exp == nil or exp <= now then return nil end
  return exp
end
`;
const lua = (body: string) => new LuaScript(LUA_HELPERS + body);

export const SCRIPTS = {
  // KEYS: session, session attrs, live set, attr index, reference index, end.
  // ARGV: now, exp, k, has attr index, has reference index, sealed attrs or '', how long an end is remembered, field/value pairs...
  create: lua(`
local now, exp, k = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
redis.call('DEL', KEYS[1], KEYS[2])
if exp <= now then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('SET', KEYS[6], ARGV[2], 'PX', int(exp - now + tonumber(ARGV[7])))
expire_at(KEYS[1], exp, now)
if ARGV[6] ~= '' then redis.call('SET', KEYS[2], ARGV[6], 'PX', int(exp - now)) end
if ARGV[4] == '1' then redis.call('SET', KEYS[4], k, 'PX', int(exp - now)) end
if ARGV[5] == '1' then redis.call('SET', KEYS[5], k, 'PX', int(exp - now)) end
redis.call('ZADD', KEYS[3], exp, k)
extend_to(KEYS[3], exp, now)
return 1
`),
  // KEYS: session, end. Returns {1, exp, has result} for a session held, else {0, when it ended or false}.
  watchState: lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {1, redis.call('HGET', KEYS[1], 'exp'), redis.call('HEXISTS', KEYS[1], 'res')}
end
return {0, redis.call('GET', KEYS[2])}
`),
  // KEYS: session, session attrs. Returns {fields, attrs or false}.
  read: lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return {redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2])}
`),
  // KEYS: an index (attr id or reference). ARGV: prefix. Returns {k, fields, attrs or false}.
  readIndexed: lua(`
local k = redis.call('GET', KEYS[1])
if not k then return false end
local key = ARGV[1] .. 's:' .. k
if redis.call('EXISTS', key) == 0 then return false end
return {k, redis.call('HGETALL', key), redis.call('GET', ARGV[1] .. 'sa:' .. k)}
`),
  // KEYS: session, session attrs. ARGV: now, sealed result, sealed attrs, channel, message.
  attach: lua(`
local now = tonumber(ARGV[1])
local exp = live_session(KEYS[1], now)
if not exp then return 'not_found' end
if redis.call('HEXISTS', KEYS[1], 'res') == 1 then return 'already_has_result' end
redis.call('HSET', KEYS[1], 'res', ARGV[2], 'rat', ARGV[1])
redis.call('SET', KEYS[2], ARGV[3], 'PX', int(exp - now))
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 'attached'
`),
  // KEYS: session, session attrs, live set, end. ARGV: now, grace, retain or '', prefix, k, channel, origin, how long an end is remembered.
  markDelivered: lua(`
local now, grace = tonumber(ARGV[1]), tonumber(ARGV[2])
local exp = live_session(KEYS[1], now)
if not exp or redis.call('HEXISTS', KEYS[1], 'dlv') == 1 then return false end
local newExp, attrsAt
if ARGV[3] == '' then
  newExp = math.min(exp, now + grace)
  attrsAt = newExp
else
  newExp = now + tonumber(ARGV[3])
  attrsAt = math.min(now + grace, newExp)
end
redis.call('HSET', KEYS[1], 'dlv', ARGV[1], 'exp', int(newExp))
expire_at(KEYS[1], newExp, now)
if redis.call('EXISTS', KEYS[2]) == 1 then expire_at(KEYS[2], attrsAt, now) end
local attr = redis.call('HGET', KEYS[1], 'attr')
if attr then expire_at(ARGV[4] .. 'a:' .. attr, newExp, now) end
local ref = redis.call('HGET', KEYS[1], 'ref')
if ref then expire_at(ARGV[4] .. 'r:' .. ref, newExp, now) end
redis.call('ZADD', KEYS[3], newExp, ARGV[5])
extend_to(KEYS[3], newExp, now)
redis.call('SET', KEYS[4], int(newExp), 'PX', int(newExp - now + tonumber(ARGV[8])))
redis.call('PUBLISH', ARGV[6], '{"o":"' .. ARGV[7] .. '","t":"exp","e":' .. int(newExp) .. '}')
return int(newExp)
`),
  // KEYS: session, session attrs. ARGV: now, step, its value (sealed client_url, browser digest,
  // 'foreign', settle ms), channel, message. Returns {changed, fields, attrs or false}, or false.
  bind: lua(`
local now = tonumber(ARGV[1])
if not live_session(KEYS[1], now) or redis.call('HEXISTS', KEYS[1], 'launch') == 0 then return false end
local function has(f) return redis.call('HEXISTS', KEYS[1], f) == 1 end
local step, changed = ARGV[2], 0
if step == 'clientUrl' then
  redis.call('HSET', KEYS[1], 'curl', ARGV[3])
  changed = 1
elseif step == 'launch' then
  if not has('brw') then redis.call('HSET', KEYS[1], 'brw', ARGV[3]); changed = 1 end
elseif step == 'return' then
  if ARGV[3] == 'foreign' then
    if not has('frn') then redis.call('HSET', KEYS[1], 'frn', ARGV[1]); changed = 1 end
  elseif not has('ret') and not has('frn') then
    redis.call('HSET', KEYS[1], 'ret', ARGV[1]); changed = 1
  end
elseif step == 'release' then
  local at = tonumber(redis.call('HGET', KEYS[1], 'rat') or '0')
  if has('res') and has('ret') and not has('frn') and not has('rel') and now >= at + tonumber(ARGV[3]) then
    redis.call('HSET', KEYS[1], 'rel', ARGV[1]); changed = 1
  end
end
if changed == 1 and (step == 'return' or step == 'release') then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
return {changed, redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2])}
`),
  // KEYS: session, session attrs. The attributes go; status and session_url stay.
  purge: lua(`
if redis.call('HEXISTS', KEYS[1], 'res') == 1 then redis.call('DEL', KEYS[2]) end
return 1
`),
  // KEYS: session, session attrs, live set, end. ARGV: prefix, k, channel, message, now, how long an end is remembered.
  delete: lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local attr = redis.call('HGET', KEYS[1], 'attr')
if attr and redis.call('GET', ARGV[1] .. 'a:' .. attr) == ARGV[2] then redis.call('DEL', ARGV[1] .. 'a:' .. attr) end
local ref = redis.call('HGET', KEYS[1], 'ref')
if ref and redis.call('GET', ARGV[1] .. 'r:' .. ref) == ARGV[2] then redis.call('DEL', ARGV[1] .. 'r:' .. ref) end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[6])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`),
  // KEYS: reference index. ARGV: now, prefix, stream token digest, sealed conversation or '', the k
  // it was sealed for or ''. The reference is spent whatever follows, unless it points to another
  // session than that k: then nothing changes and {0, its k} comes back (to seal for that one).
  // Returns {k, fields, attrs or false}.
  spendReference: lua(`
local now = tonumber(ARGV[1])
local k = redis.call('GET', KEYS[1])
if not k then return false end
if ARGV[5] ~= '' and k ~= ARGV[5] then return {0, k} end
redis.call('DEL', KEYS[1])
local key = ARGV[2] .. 's:' .. k
if not live_session(key, now) then return false end
redis.call('HDEL', key, 'ref')
redis.call('HSET', key, 'token', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', key, 'conv', ARGV[4]) end
return {k, redis.call('HGETALL', key), redis.call('GET', ARGV[2] .. 'sa:' .. k)}
`),
  // KEYS: session. ARGV: now, min interval.
  claimActivity: lua(`
local now = tonumber(ARGV[1])
if not live_session(KEYS[1], now) then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'act'))
if last and now - last < tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'act', ARGV[1])
return 1
`),
  // KEYS: live set. ARGV: now.
  countSessions: lua(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZCARD', KEYS[1])
`),
  // KEYS: counter. ARGV: window ms, by. Returns {count, ms left in the window}.
  hit: lua(`
local window = tonumber(ARGV[1])
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = window
end
if count < 0 then
  redis.call('SET', KEYS[1], '0', 'KEEPTTL')
  count = 0
end
return {count, left}
`),
  // KEYS: stream slots. ARGV: now, lease, max, stream id, channel or '', message.
  openStream: lua(`
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], int(now + tonumber(ARGV[2])), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return 1
`),
  // KEYS: stream slots, a group's slots. ARGV: now, lease, max, stream id, group max.
  openGroupStream: lua(`
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 'group_full' end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
local leaseEnd = int(now + tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], leaseEnd, ARGV[4])
redis.call('ZADD', KEYS[2], leaseEnd, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 'opened'
`),
  // KEYS: stream slots, then group slots. ARGV: lease end, lease, then per stream its id and the
  // index in KEYS of its group (0: none). Only slots still held are renewed.
  renewStreams: lua(`
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i])
  local group = tonumber(ARGV[i + 1])
  if group > 0 then redis.call('ZADD', KEYS[group], 'XX', ARGV[1], ARGV[i]) end
end
for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], ARGV[2]) end
return 1
`),
  // KEYS: stream slots, and the stream's group slots if any. ARGV: stream id.
  closeStream: lua(`
for k = 1, #KEYS do redis.call('ZREM', KEYS[k], ARGV[1]) end
return 1
`),
  // KEYS: conversation order, identity, identity attrs, forgotten mark.
  // ARGV: now, id, sealed record, sealed attrs or '', drop at, attrs until, channel, message, '1' if forgotten.
  // The mark (a flag in the clear, the record being sealed) makes forgetting final: returns 0, changing nothing.
  putIdentity: lua(`
local now, dropAt = tonumber(ARGV[1]), tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[4]) == 1 and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('ZSCORE', KEYS[1], ARGV[2]) == false or redis.call('EXISTS', KEYS[2]) == 0 then
  local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local seq = 1
  if top[2] then seq = tonumber(top[2]) + 1 end
  redis.call('ZADD', KEYS[1], seq, ARGV[2])
end
if dropAt > now then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', int(dropAt - now))
  if ARGV[9] == '1' then redis.call('SET', KEYS[4], '1', 'PX', int(dropAt - now)) else redis.call('DEL', KEYS[4]) end
  local attrsAt = math.min(tonumber(ARGV[6]), dropAt)
  if ARGV[4] ~= '' and attrsAt > now then
    redis.call('SET', KEYS[3], ARGV[4], 'PX', int(attrsAt - now))
  else
    redis.call('DEL', KEYS[3])
  end
  extend_to(KEYS[1], dropAt, now)
else
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
  redis.call('ZREM', KEYS[1], ARGV[2])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 1
`),
  // KEYS: conversation order. ARGV: identity key prefix, identity attrs key prefix.
  // Returns {id, sealed record, sealed attrs or '', ...}, oldest first; drops ids whose record is gone.
  listIdentities: lua(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local record = redis.call('GET', ARGV[1] .. id)
  if record then
    table.insert(out, id)
    table.insert(out, record)
    table.insert(out, redis.call('GET', ARGV[2] .. id) or '')
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`),
  // KEYS: request. ARGV: now, id, expires at, sealed record, keep ms, channel, message.
  // Opens unless a pending request that has not lapsed is held; the plain fields are for the scripts,
  // the sealed record for readers.
  openRequest: lua(`
local now = tonumber(ARGV[1])
if redis.call('HGET', KEYS[1], 'st') == 'pending' and tonumber(redis.call('HGET', KEYS[1], 'exp') or '0') > now then return 'exists' end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'st', 'pending', 'exp', ARGV[3], 'data', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[6], ARGV[7])
return 'opened'
`),
  // KEYS: request. ARGV: now, id, new status, sealed settled record, channel, message. Settles only
  // the request `id` while pending and not lapsed at now (its record is then the one the caller
  // read: a pending record never changes); the key keeps its TTL.
  settleRequest: lua(`
local now = tonumber(ARGV[1])
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'st') ~= 'pending' then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'exp') or '0') <= now then return 0 end
redis.call('HSET', KEYS[1], 'st', ARGV[3], 'data', ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1
`),
};
