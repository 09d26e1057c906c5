/**
 * SessionStore on Redis, for several backend instances sharing one Redis
 * (standalone or a primary with replicas; not Redis Cluster: some scripts
 * touch keys derived from a record). Redis 6.2 or newer.
 *
 * - Every change that must have one winner is one Lua script (attach once,
 *   spend a reference once, activity throttling, stream cap, counters) or one
 *   `SET NX` (replayed results): two instances racing get exactly one winner.
 * - Every key has a TTL: a session at its expiry, a replay record until the
 *   token's end, an identity `keepMs` after its last change, a counter at its
 *   window's end, stream slots at their lease's end. Nothing sweeps; indexes
 *   that can outlive what they point to (a sorted set) are trimmed when read.
 * - What holds a person's data is sealed with AES-256-GCM under a key Redis
 *   never sees (see ../at-rest.ts): a session's details, result and attributes,
 *   identities and the identity changes published to other instances. Left in
 *   the clear: digests, expiry times, flags.
 * - Wake-ups go through Redis pub/sub: one subscriber connection per store,
 *   one channel per watched session or conversation, so a change made by any
 *   instance reaches the listeners of every instance. The instance that made
 *   a change tells its own listeners at once (before its call returns) and
 *   skips its own message. A session's expiry is noticed by a timer per
 *   watched session on each instance that watches it (Redis expiries are
 *   silent). After the subscriber reconnects, watched sessions and
 *   conversations are read again, so a change missed while it was away is
 *   still told.
 * - A subscribe() followed by any call on the same store: the subscription is
 *   in place on Redis before that call runs (bounded by the offline wait), so
 *   "subscribe, then read" never misses a change made between the two.
 * - Redis unreachable: calls fail with StoreUnavailableError within about a
 *   second (see connection.ts); the store reconnects by itself.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../observability/logger.ts';
import type { Attributes, AuthStatus, VerifiedResult } from '../../protocol.ts';
import { digest } from '../../crypto/secrets.ts';
import { AtRestCipher } from '../at-rest.ts';
import { DEFAULT_OFFLINE_WAIT_MS, LuaScript, RedisConnection, type RedisConnectionOptions, type RedisReply } from './connection.ts';
import type { AttachOutcome, BindingOutcome, BindingStep, BrowserBinding, CounterState, ForgetOutcome, IdentityRecord, SessionChange, SessionRecord, SessionStore, StreamGroup } from '../session-store.ts';
import { RedisWebhookOutbox, type RedisWebhookOutboxOptions } from './outbox.ts';

export const DEFAULT_REDIS_PREFIX = 'idc:';
export const DEFAULT_STREAM_LEASE_MS = 60_000;
/** setTimeout's ceiling; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a failed expiry check (Redis away), look again this much later. */
const EXPIRY_RETRY_MS = 1_000;
/**
 * How long a session's end is remembered (`{prefix}e:{k}`, only a time): a listener that comes
 * just after the end, or checks a moment late, is still told `deleted`.
 */
const ENDED_MEMORY_MS = 60_000;

export interface RedisSessionStoreOptions extends RedisConnectionOptions {
  /** 32 bytes: the AES-256-GCM key for what is stored of a person. Redis never sees it. */
  key: Uint8Array;
  /** Prefix of every key and channel (default `idc:`), so deployments can share one Redis. */
  prefix?: string;
  /** A stream slot is held this long unless its instance renews it (every third of it); default 60 s. */
  streamLeaseMs?: number;
  /** The store's clock (epoch ms). Instances sharing a Redis should agree on the time. */
  now?: () => number;
}

/** The parts of a session sealed together: they never change after create. */
interface SealedDetails {
  id: string;
  purpose: string;
  authMethod?: string;
  returnUrl?: string;
  createdAt: number;
  identityId: string;
}

/** A message on a session's channel. `o` is the instance that sent it. */
type SessionMessage =
  | { o: string; t: 'result' }
  | { o: string; t: 'deleted' }
  | { o: string; t: 'stream'; s: string }
  /** The binding took a deciding step. */
  | { o: string; t: 'bind' }
  /** The session's expiry moved (markDelivered): watchers re-arm their timers. */
  | { o: string; t: 'exp'; e: number };

interface ConversationMessage {
  o: string;
  /** The changed identity, sealed. */
  r: string;
}

interface SessionWatch {
  id: string;
  key: string;
  channel: string;
  listeners: Set<{ listener: (change: SessionChange) => void }>;
  timer?: NodeJS.Timeout;
  /** `deleted` has been told: nothing more will be. */
  ended: boolean;
  /** The session was seen alive (true), seen missing (false), or not read yet (undefined). Only a session seen alive can be told `deleted`. */
  known?: boolean;
  /** `result` has been told (a resync after a reconnect does not tell it twice). */
  sawResult: boolean;
}

interface ConversationWatch {
  conversation: string;
  key: string;
  channel: string;
  listeners: Set<{ listener: (record: IdentityRecord) => void }>;
  /** The newest change told per identity (a resync tells only newer ones). */
  seen: Map<string, number>;
}

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

const SCRIPTS = {
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
};

export class RedisSessionStore implements SessionStore {
  private readonly connection: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly cipher: AtRestCipher;
  private readonly prefix: string;
  private readonly streamLeaseMs: number;
  private readonly now: () => number;
  private readonly logger?: Logger;
  private readonly connectionOptions: RedisConnectionOptions;
  /** Tells this instance's own messages from other instances'. */
  private readonly origin = randomBytes(12).toString('base64url');
  private readonly sessionWatches = new Map<string, SessionWatch>();
  private readonly conversationWatches = new Map<string, ConversationWatch>();
  /** Channel → what handles its messages, for every channel this store wants. */
  private readonly channels = new Map<string, (message: string) => void>();
  /** Channels Redis has confirmed. */
  private readonly subscribed = new Set<string>();
  /** SUBSCRIBEs not yet answered: calls wait for them (see the header). */
  private readonly subscribing = new Set<Promise<void>>();
  /** Stream slots this instance holds, renewed while open, each with its group's key if any. */
  private readonly ownStreams = new Map<string, string | undefined>();
  private renewTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(options: RedisSessionStoreOptions) {
    this.cipher = new AtRestCipher(options.key);
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.streamLeaseMs = options.streamLeaseMs ?? DEFAULT_STREAM_LEASE_MS;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.connectionOptions = {
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs,
      offlineWaitMs: options.offlineWaitMs,
      logger: options.logger,
      clientName: options.clientName,
    };
    this.connection = new RedisConnection(this.connectionOptions, 'commands');
    this.subscriber = new RedisConnection(this.connectionOptions, 'subscriber');
    this.subscriber.onReconnect = () => this.resync();
    // Wake-ups cannot reach this instance's streams while the subscriber is away: they end,
    // and their clients reconnect (to an instance that can reach Redis, or here once it is back).
    this.subscriber.onLost = () => {
      for (const listener of [...this.unavailableListeners]) listener();
    };
  }

  private readonly unavailableListeners = new Set<() => void>();

  /** Calls `listener` when the store loses Redis; returns what stops that. */
  onUnavailable(listener: () => void): () => void {
    this.unavailableListeners.add(listener);
    return () => this.unavailableListeners.delete(listener);
  }

  /** Waits for the connection (at most the offline wait) and PINGs: for readiness checks. */
  async ping(): Promise<void> {
    await this.connection.command(['PING']);
  }

  /**
   * A webhook outbox on this store's connection, key and prefix (its keys under `{prefix}w:`).
   * It needs no closing of its own: the store's close() ends the connection.
   */
  webhookOutbox(options: Omit<RedisWebhookOutboxOptions, 'connection' | 'url' | 'key' | 'prefix'> = {}): RedisWebhookOutbox {
    return new RedisWebhookOutbox({ ...options, connection: this.connection, cipher: this.cipher, prefix: this.prefix });
  }

  async create(session: SessionRecord): Promise<void> {
    await this.settled();
    const k = digest(session.id);
    const { fields, attrs } = this.encodeSession(k, session);
    await this.connection.script(
      SCRIPTS.create,
      [
        this.sessionKey(k),
        this.attrsKey(k),
        this.liveKey,
        `${this.prefix}a:${session.attrIdDigest ?? '-'}`,
        `${this.prefix}r:${session.referenceDigest ?? '-'}`,
        this.endedKey(k),
      ],
      [String(this.now()), String(session.expiresAt), k, session.attrIdDigest ? '1' : '', session.referenceDigest ? '1' : '', attrs ?? '', String(ENDED_MEMORY_MS), ...fields],
    );
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    await this.settled();
    const k = digest(id);
    const reply = await this.connection.script(SCRIPTS.read, [this.sessionKey(k), this.attrsKey(k)], []);
    if (!Array.isArray(reply)) return undefined;
    return this.decodeSession(k, reply[0], reply[1]);
  }

  async getByAttrId(attrId: string): Promise<SessionRecord | undefined> {
    return this.readIndexed(`${this.prefix}a:${digest(attrId)}`);
  }

  async getByReference(reference: string): Promise<SessionRecord | undefined> {
    return this.readIndexed(`${this.prefix}r:${digest(reference)}`);
  }

  async attachResult(id: string, result: VerifiedResult): Promise<AttachOutcome> {
    await this.settled();
    const k = digest(id);
    const outcome = (await this.connection.script(
      SCRIPTS.attach,
      [this.sessionKey(k), this.attrsKey(k)],
      [
        String(this.now()),
        this.cipher.sealJson(resultSummary(result), place(k, 'res')),
        this.cipher.sealJson(result.attributes, place(k, 'attrs')),
        this.sessionChannel(k),
        this.message({ t: 'result' }),
      ],
    )) as AttachOutcome;
    if (outcome === 'attached') this.tellSession(k, { o: this.origin, t: 'result' });
    return outcome;
  }

  async bind(id: string, step: BindingStep): Promise<BindingOutcome | undefined> {
    await this.settled();
    const k = digest(id);
    const value =
      step.type === 'clientUrl'
        ? this.cipher.sealJson(step.url, place(k, 'client'))
        : step.type === 'launch'
          ? step.browserDigest
          : step.type === 'return'
            ? step.foreign ? 'foreign' : 'own'
            : String(step.settleMs);
    const reply = await this.connection.script(
      SCRIPTS.bind,
      [this.sessionKey(k), this.attrsKey(k)],
      [String(this.now()), step.type, value, this.sessionChannel(k), this.message({ t: 'bind' })],
    );
    if (!Array.isArray(reply)) return undefined;
    const session = this.decodeSession(k, reply[1], reply[2]);
    if (!session) return undefined;
    const changed = reply[0] === 1;
    if (changed && (step.type === 'return' || step.type === 'release')) this.tellSession(k, { o: this.origin, t: 'bind' });
    return { session, changed };
  }

  async markDelivered(id: string, graceMs: number, retainMs?: number): Promise<void> {
    await this.settled();
    const k = digest(id);
    const expiresAt = await this.connection.script(
      SCRIPTS.markDelivered,
      [this.sessionKey(k), this.attrsKey(k), this.liveKey, this.endedKey(k)],
      [
        String(this.now()),
        String(graceMs),
        retainMs === undefined ? '' : String(retainMs),
        this.prefix,
        k,
        this.sessionChannel(k),
        this.origin,
        String(ENDED_MEMORY_MS),
      ],
    );
    if (typeof expiresAt === 'string') this.tellSession(k, { o: this.origin, t: 'exp', e: Number(expiresAt) });
  }

  async purgeAttributes(id: string): Promise<void> {
    await this.settled();
    const k = digest(id);
    await this.connection.script(SCRIPTS.purge, [this.sessionKey(k), this.attrsKey(k)], []);
  }

  async delete(id: string): Promise<void> {
    await this.settled();
    const k = digest(id);
    const deleted = await this.connection.script(
      SCRIPTS.delete,
      [this.sessionKey(k), this.attrsKey(k), this.liveKey, this.endedKey(k)],
      [this.prefix, k, this.sessionChannel(k), this.message({ t: 'deleted' }), String(this.now()), String(ENDED_MEMORY_MS)],
    );
    if (deleted === 1) this.tellSession(k, { o: this.origin, t: 'deleted' });
  }

  async spendReference(reference: string, streamTokenDigest: string, conversation?: string): Promise<SessionRecord | undefined> {
    await this.settled();
    const indexKey = `${this.prefix}r:${digest(reference)}`;
    // The conversation is sealed for its session (k in the additional data), and k is behind the
    // reference: looked up first, then the one script spends only if the reference still points
    // there (so of two spends exactly one wins, as without a conversation).
    let k: RedisReply = conversation === undefined ? '' : await this.connection.command(['GET', indexKey]);
    for (let tries = 0; tries < 3 && typeof k === 'string'; tries++) {
      const reply: RedisReply = await this.connection.script(
        SCRIPTS.spendReference,
        [indexKey],
        [String(this.now()), this.prefix, streamTokenDigest, conversation === undefined ? '' : this.cipher.sealJson(conversation, place(k, 'conv')), k],
      );
      if (!Array.isArray(reply)) return undefined;
      // The reference points elsewhere now (a session created again with it): seal for that one.
      if (reply[0] === 0) {
        k = reply[1] ?? null;
        continue;
      }
      return this.decodeSession(String(reply[0]), reply[1], reply[2]);
    }
    return undefined;
  }

  async claimActivity(id: string, minIntervalMs: number): Promise<boolean> {
    await this.settled();
    const reply = await this.connection.script(SCRIPTS.claimActivity, [this.sessionKey(digest(id))], [String(this.now()), String(minIntervalMs)]);
    return reply === 1;
  }

  async claimToken(resultKey: string, until: number): Promise<boolean> {
    await this.settled();
    const ttl = Math.ceil(until - this.now());
    // A token already past its time cannot be replayed anyway: nothing to keep.
    if (ttl <= 0) return true;
    const reply = await this.connection.command(['SET', `${this.prefix}t:${digest(resultKey)}`, '1', 'NX', 'PX', String(ttl)]);
    return reply !== null;
  }

  async countSessions(): Promise<number> {
    await this.settled();
    return Number(await this.connection.script(SCRIPTS.countSessions, [this.liveKey], [String(this.now())]));
  }

  async hit(key: string, windowMs: number, by = 1): Promise<CounterState> {
    await this.settled();
    const now = this.now();
    const reply = (await this.connection.script(SCRIPTS.hit, [`${this.prefix}n:${digest(key)}`], [String(Math.max(1, Math.ceil(windowMs))), String(by)])) as number[];
    return { count: Number(reply[0]), resetAt: now + Number(reply[1]) };
  }

  async openStream(streamId: string, max: number, sessionId?: string): Promise<boolean> {
    await this.settled();
    const k = sessionId === undefined ? undefined : digest(sessionId);
    const opened =
      (await this.connection.script(
        SCRIPTS.openStream,
        [this.streamsKey],
        [
          String(this.now()),
          String(this.streamLeaseMs),
          String(max),
          streamId,
          k === undefined ? '' : this.sessionChannel(k),
          this.message({ t: 'stream', s: streamId }),
        ],
      )) === 1;
    if (!opened) return false;
    this.ownStreams.set(streamId, undefined);
    this.armRenewal();
    if (k !== undefined) this.tellSession(k, { o: this.origin, t: 'stream', s: streamId });
    return true;
  }

  async openGroupStream(streamId: string, max: number, group: StreamGroup): Promise<'opened' | 'full' | 'group_full'> {
    await this.settled();
    const groupKey = this.streamGroupKey(group.name);
    const outcome = (await this.connection.script(
      SCRIPTS.openGroupStream,
      [this.streamsKey, groupKey],
      [String(this.now()), String(this.streamLeaseMs), String(max), streamId, String(group.max)],
    )) as 'opened' | 'full' | 'group_full';
    if (outcome !== 'opened') return outcome;
    this.ownStreams.set(streamId, groupKey);
    this.armRenewal();
    return outcome;
  }

  async closeStream(streamId: string): Promise<void> {
    const groupKey = this.ownStreams.get(streamId);
    this.ownStreams.delete(streamId);
    if (this.ownStreams.size === 0) this.stopRenewal();
    await this.settled();
    await this.connection.script(SCRIPTS.closeStream, groupKey === undefined ? [this.streamsKey] : [this.streamsKey, groupKey], [streamId]);
  }

  subscribe(id: string, listener: (change: SessionChange) => void): () => void {
    if (this.closed) return () => {};
    const k = digest(id);
    let watch = this.sessionWatches.get(k);
    if (!watch) {
      const created: SessionWatch = { id, key: k, channel: this.sessionChannel(k), listeners: new Set(), ended: false, sawResult: false };
      watch = created;
      this.sessionWatches.set(k, created);
      this.listen(created.channel, (message) => this.onSessionMessage(k, message));
      void this.checkExpiry(created, false);
    }
    const entry = { listener };
    const held = watch;
    held.listeners.add(entry);
    return () => {
      if (!held.listeners.delete(entry) || held.listeners.size > 0) return;
      clearTimeout(held.timer);
      if (this.sessionWatches.get(k) === held) this.sessionWatches.delete(k);
      this.unlisten(held.channel);
    };
  }

  async putIdentity(record: IdentityRecord, keepMs: number): Promise<boolean> {
    await this.settled();
    const now = this.now();
    const conversationKey = digest(record.conversation);
    const { attributes, ...rest } = record;
    const changed = await this.connection.script(
      SCRIPTS.putIdentity,
      [
        this.conversationKey(conversationKey),
        this.identityKey(conversationKey, record.id),
        this.identityAttrsKey(conversationKey, record.id),
        this.forgottenKey(conversationKey, record.id),
      ],
      [
        String(now),
        record.id,
        this.cipher.sealJson(rest, identityPlace(conversationKey, record.id)),
        attributes ? this.cipher.sealJson(attributes, identityAttrsPlace(conversationKey, record.id)) : '',
        String(now + keepMs),
        String(record.until),
        this.conversationChannel(conversationKey),
        JSON.stringify({ o: this.origin, r: this.cipher.sealJson(record, changePlace(conversationKey)) } satisfies ConversationMessage),
        record.status === 'forgotten' ? '1' : '',
      ],
    );
    if (changed !== 1) return false;
    this.tellConversation(conversationKey, structuredClone(record));
    return true;
  }

  async listIdentities(conversation: string): Promise<IdentityRecord[]> {
    await this.settled();
    const conversationKey = digest(conversation);
    const reply = (await this.connection.script(
      SCRIPTS.listIdentities,
      [this.conversationKey(conversationKey)],
      [this.identityKey(conversationKey, ''), this.identityAttrsKey(conversationKey, '')],
    )) as string[];
    const records: IdentityRecord[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      const [id, sealed, sealedAttributes] = [reply[i]!, reply[i + 1]!, reply[i + 2]!];
      const record = this.cipher.openJson<IdentityRecord>(sealed, identityPlace(conversationKey, id));
      if (sealedAttributes) record.attributes = this.cipher.openJson<Attributes>(sealedAttributes, identityAttrsPlace(conversationKey, id));
      records.push(record);
    }
    return records;
  }

  async forgetConversation(conversation: string, keepMs: number): Promise<ForgetOutcome[]> {
    const held = await this.listIdentities(conversation);
    const now = this.now();
    const outcomes: ForgetOutcome[] = [];
    for (const record of held) {
      const { attributes: _dropped, ...rest } = record;
      const forgotten: IdentityRecord = { ...rest, status: 'forgotten', updatedAt: now, until: now };
      const changed = await this.putIdentity(forgotten, Math.max(keepMs, record.until - now));
      outcomes.push({ record: changed ? forgotten : record, changed });
    }
    return outcomes;
  }

  subscribeConversation(conversation: string, listener: (record: IdentityRecord) => void): () => void {
    if (this.closed) return () => {};
    const conversationKey = digest(conversation);
    let watch = this.conversationWatches.get(conversationKey);
    if (!watch) {
      const created: ConversationWatch = {
        conversation,
        key: conversationKey,
        channel: this.conversationChannel(conversationKey),
        listeners: new Set(),
        seen: new Map(),
      };
      watch = created;
      this.conversationWatches.set(conversationKey, created);
      this.listen(created.channel, (message) => this.onConversationMessage(conversationKey, message));
    }
    const entry = { listener };
    const held = watch;
    held.listeners.add(entry);
    return () => {
      if (!held.listeners.delete(entry) || held.listeners.size > 0) return;
      if (this.conversationWatches.get(conversationKey) === held) this.conversationWatches.delete(conversationKey);
      this.unlisten(held.channel);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopRenewal();
    for (const watch of this.sessionWatches.values()) clearTimeout(watch.timer);
    this.sessionWatches.clear();
    this.conversationWatches.clear();
    this.channels.clear();
    // Slots still held go back now rather than at their lease's end (best effort).
    if (this.ownStreams.size > 0 && this.connection.isReady) {
      await Promise.all(
        [...this.ownStreams].map(([streamId, groupKey]) =>
          this.connection.script(SCRIPTS.closeStream, groupKey === undefined ? [this.streamsKey] : [this.streamsKey, groupKey], [streamId]),
        ),
      ).catch(() => undefined);
    }
    this.ownStreams.clear();
    await Promise.all([this.connection.close(), this.subscriber.close()]);
  }

  // --- keys and places --------------------------------------------------------------------

  private get liveKey(): string {
    return `${this.prefix}live`;
  }

  private get streamsKey(): string {
    return `${this.prefix}streams`;
  }

  private streamGroupKey(name: string): string {
    return `${this.prefix}sg:${digest(name)}`;
  }

  private sessionKey(k: string): string {
    return `${this.prefix}s:${k}`;
  }

  private attrsKey(k: string): string {
    return `${this.prefix}sa:${k}`;
  }

  private endedKey(k: string): string {
    return `${this.prefix}e:${k}`;
  }

  private conversationKey(conversationKey: string): string {
    return `${this.prefix}c:${conversationKey}`;
  }

  private identityKey(conversationKey: string, id: string): string {
    return `${this.prefix}i:${conversationKey}:${id}`;
  }

  private identityAttrsKey(conversationKey: string, id: string): string {
    return `${this.prefix}ia:${conversationKey}:${id}`;
  }

  private forgottenKey(conversationKey: string, id: string): string {
    return `${this.prefix}if:${conversationKey}:${id}`;
  }

  private sessionChannel(k: string): string {
    return `${this.prefix}ch:s:${k}`;
  }

  private conversationChannel(conversationKey: string): string {
    return `${this.prefix}ch:c:${conversationKey}`;
  }

  private message(body: { t: 'result' } | { t: 'deleted' } | { t: 'stream'; s: string } | { t: 'bind' }): string {
    return JSON.stringify({ o: this.origin, ...body });
  }

  // --- records ------------------------------------------------------------------------------

  private encodeSession(k: string, session: SessionRecord): { fields: string[]; attrs?: string } {
    const details: SealedDetails = {
      id: session.id,
      purpose: session.purpose,
      authMethod: session.authMethod,
      returnUrl: session.returnUrl,
      createdAt: session.createdAt,
      identityId: session.identityId,
    };
    const fields = ['data', this.cipher.sealJson(details, place(k, 'data')), 'token', session.streamTokenDigest, 'exp', String(session.expiresAt)];
    if (session.attrIdDigest) fields.push('attr', session.attrIdDigest);
    if (session.referenceDigest) fields.push('ref', session.referenceDigest);
    if (session.conversation !== undefined) fields.push('conv', this.cipher.sealJson(session.conversation, place(k, 'conv')));
    if (session.deliveredAt !== undefined) fields.push('dlv', String(session.deliveredAt));
    if (session.lastActivityAt !== undefined) fields.push('act', String(session.lastActivityAt));
    if (session.resultAt !== undefined) fields.push('rat', String(session.resultAt));
    const binding = session.binding;
    if (binding) {
      fields.push('launch', binding.launchDigest);
      if (binding.clientUrl !== undefined) fields.push('curl', this.cipher.sealJson(binding.clientUrl, place(k, 'client')));
      if (binding.browserDigest !== undefined) fields.push('brw', binding.browserDigest);
      if (binding.returnedAt !== undefined) fields.push('ret', String(binding.returnedAt));
      if (binding.foreignAt !== undefined) fields.push('frn', String(binding.foreignAt));
      if (binding.releasedAt !== undefined) fields.push('rel', String(binding.releasedAt));
    }
    let attrs: string | undefined;
    if (session.result) {
      fields.push('res', this.cipher.sealJson(resultSummary(session.result), place(k, 'res')));
      if (!session.attributesPurged) attrs = this.cipher.sealJson(session.result.attributes, place(k, 'attrs'));
    }
    return { fields, attrs };
  }

  private decodeSession(k: string, flat: RedisReply | undefined, sealedAttributes: RedisReply | undefined): SessionRecord | undefined {
    if (!Array.isArray(flat) || flat.length === 0) return undefined;
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));
    const expiresAt = Number(fields.get('exp'));
    const data = fields.get('data');
    if (!data || !(expiresAt > this.now())) return undefined;
    const details = this.cipher.openJson<SealedDetails>(data, place(k, 'data'));
    const session: SessionRecord = {
      ...details,
      streamTokenDigest: fields.get('token') ?? '',
      expiresAt,
    };
    const attr = fields.get('attr');
    if (attr) session.attrIdDigest = attr;
    const ref = fields.get('ref');
    if (ref) session.referenceDigest = ref;
    const conv = fields.get('conv');
    if (conv) session.conversation = this.cipher.openJson<string>(conv, place(k, 'conv'));
    const delivered = fields.get('dlv');
    if (delivered) session.deliveredAt = Number(delivered);
    const activity = fields.get('act');
    if (activity) session.lastActivityAt = Number(activity);
    const resultAt = fields.get('rat');
    if (resultAt) session.resultAt = Number(resultAt);
    const launch = fields.get('launch');
    if (launch) {
      const binding: BrowserBinding = { launchDigest: launch };
      const clientUrl = fields.get('curl');
      if (clientUrl) binding.clientUrl = this.cipher.openJson<string>(clientUrl, place(k, 'client'));
      const browser = fields.get('brw');
      if (browser) binding.browserDigest = browser;
      for (const [field, name] of [['ret', 'returnedAt'], ['frn', 'foreignAt'], ['rel', 'releasedAt']] as const) {
        const at = fields.get(field);
        if (at) binding[name] = Number(at);
      }
      session.binding = binding;
    }
    const res = fields.get('res');
    if (res) {
      const summary = this.cipher.openJson<{ status: AuthStatus; sessionUrl?: string }>(res, place(k, 'res'));
      const attributes = typeof sealedAttributes === 'string' ? this.cipher.openJson<Attributes>(sealedAttributes, place(k, 'attrs')) : undefined;
      session.result = { status: summary.status, attributes: attributes ?? {}, ...(summary.sessionUrl ? { sessionUrl: summary.sessionUrl } : {}) };
      if (!attributes) session.attributesPurged = true;
    }
    return session;
  }

  private async readIndexed(indexKey: string): Promise<SessionRecord | undefined> {
    await this.settled();
    const reply = await this.connection.script(SCRIPTS.readIndexed, [indexKey], [this.prefix]);
    if (!Array.isArray(reply)) return undefined;
    return this.decodeSession(String(reply[0]), reply[1], reply[2]);
  }

  // --- wake-ups -----------------------------------------------------------------------------

  /**
   * Resolves once every SUBSCRIBE asked so far is answered, or the offline wait is over. Those
   * still unanswered then (the subscriber is away) are waited for no more: the resync after the
   * subscriber's reconnect covers them.
   */
  private async settled(): Promise<void> {
    if (this.subscribing.size === 0) return;
    const waiting = [...this.subscribing];
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    await Promise.race([
      Promise.all(waiting),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve();
        }, this.connectionOptions.offlineWaitMs ?? DEFAULT_OFFLINE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) for (const pending of waiting) this.subscribing.delete(pending);
  }

  private listen(channel: string, handler: (message: string) => void): void {
    this.channels.set(channel, handler);
    this.sendSubscribe(channel);
  }

  private sendSubscribe(channel: string): void {
    const pending: Promise<void> = this.subscriber.client
      .subscribe(channel, this.onMessage)
      .then(
        () => {
          if (this.channels.has(channel)) this.subscribed.add(channel);
        },
        () => {
          // Offline: subscribed again when the subscriber is back (resync).
        },
      )
      .finally(() => this.subscribing.delete(pending));
    this.subscribing.add(pending);
  }

  private unlisten(channel: string): void {
    this.channels.delete(channel);
    this.subscribed.delete(channel);
    if (this.closed) return;
    this.subscriber.client.unsubscribe(channel, this.onMessage).catch(() => {
      // Offline: the subscription went with the connection.
    });
  }

  private readonly onMessage = (message: string, channel: string): void => {
    this.channels.get(channel)?.(message);
  };

  private onSessionMessage(k: string, raw: string): void {
    let message: SessionMessage;
    try {
      message = JSON.parse(raw) as SessionMessage;
    } catch {
      return;
    }
    if (message.o !== this.origin) this.tellSession(k, message);
  }

  private onConversationMessage(conversationKey: string, raw: string): void {
    let record: IdentityRecord;
    try {
      const message = JSON.parse(raw) as ConversationMessage;
      if (message.o === this.origin) return;
      record = this.cipher.openJson<IdentityRecord>(message.r, changePlace(conversationKey));
    } catch (error) {
      this.logger?.error('store change unreadable', { reason: error instanceof Error ? error.name : 'unknown' });
      return;
    }
    this.tellConversation(conversationKey, record);
  }

  private tellSession(k: string, message: SessionMessage): void {
    const watch = this.sessionWatches.get(k);
    if (!watch || watch.ended) return;
    let change: SessionChange;
    if (message.t !== 'deleted') watch.known = true;
    switch (message.t) {
      case 'result':
        watch.sawResult = true;
        change = { type: 'result' };
        break;
      case 'deleted':
        watch.ended = true;
        clearTimeout(watch.timer);
        change = { type: 'deleted' };
        break;
      case 'stream':
        change = { type: 'stream', streamId: message.s };
        break;
      case 'bind':
        change = { type: 'binding' };
        break;
      case 'exp':
        this.scheduleExpiry(watch, message.e);
        return;
      default:
        return;
    }
    for (const { listener } of [...watch.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.logger?.error('store listener failed', { reason: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }

  private tellConversation(conversationKey: string, record: IdentityRecord): void {
    const watch = this.conversationWatches.get(conversationKey);
    if (!watch) return;
    watch.seen.set(record.id, Math.max(watch.seen.get(record.id) ?? -Infinity, record.updatedAt));
    for (const { listener } of [...watch.listeners]) {
      try {
        listener(structuredClone(record));
      } catch (error) {
        this.logger?.error('store listener failed', { reason: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }

  private scheduleExpiry(watch: SessionWatch, expiresAt: number): void {
    clearTimeout(watch.timer);
    if (watch.ended || this.sessionWatches.get(watch.key) !== watch) return;
    const wait = Math.min(Math.max(0, expiresAt - this.now()), MAX_TIMER_MS);
    watch.timer = setTimeout(() => void this.checkExpiry(watch, false), wait);
    watch.timer.unref();
  }

  /**
   * Looks at the watched session. Ended (expired or deleted; its end is remembered a minute),
   * or gone after it was seen alive (a Redis that lost its data): `deleted` is told. Alive: the
   * timer is set for its expiry, and (with `tellMissed`, after a reconnect) a result not yet told
   * is told. Never there at all: nothing.
   */
  private async checkExpiry(watch: SessionWatch, tellMissed: boolean): Promise<void> {
    if (watch.ended || this.sessionWatches.get(watch.key) !== watch) return;
    let state: RedisReply;
    try {
      await this.settled();
      state = await this.connection.script(SCRIPTS.watchState, [this.sessionKey(watch.key), this.endedKey(watch.key)], []);
    } catch {
      if (!watch.ended && this.sessionWatches.get(watch.key) === watch) {
        clearTimeout(watch.timer);
        watch.timer = setTimeout(() => void this.checkExpiry(watch, tellMissed), EXPIRY_RETRY_MS);
        watch.timer.unref();
      }
      return;
    }
    const [held, expiresAt, hasResult] = Array.isArray(state) ? state : [];
    if (held === 1 && Number(expiresAt) > this.now()) {
      watch.known = true;
      if (hasResult === 1 && !watch.sawResult && tellMissed) this.tellSession(watch.key, { o: this.origin, t: 'result' });
      // A binding step missed while away: listeners look again (they read the session, so telling twice is harmless).
      if (tellMissed) this.tellSession(watch.key, { o: this.origin, t: 'bind' });
      this.scheduleExpiry(watch, Number(expiresAt));
    } else if (held === 1 || typeof expiresAt === 'string' || watch.known) {
      this.tellSession(watch.key, { o: this.origin, t: 'deleted' });
    } else {
      watch.known = false;
    }
  }

  /** The subscriber is back: subscribe what never was, and tell what changed meanwhile. */
  private resync(): void {
    if (this.closed) return;
    for (const channel of this.channels.keys()) if (!this.subscribed.has(channel)) this.sendSubscribe(channel);
    for (const watch of this.sessionWatches.values()) void this.checkExpiry(watch, true);
    for (const watch of this.conversationWatches.values()) {
      void this.listIdentities(watch.conversation).then(
        (records) => {
          for (const record of records) {
            if (record.updatedAt > (watch.seen.get(record.id) ?? -Infinity)) this.tellConversation(watch.key, record);
          }
        },
        () => undefined,
      );
    }
  }

  private armRenewal(): void {
    if (this.renewTimer || this.closed) return;
    this.renewTimer = setInterval(() => {
      if (this.ownStreams.size === 0) return;
      const leaseEnd = this.now() + this.streamLeaseMs;
      const keys = [this.streamsKey];
      const slots: string[] = [];
      for (const [streamId, groupKey] of this.ownStreams) {
        // Lua's KEYS count from 1: a key at keys[i] is KEYS[i + 1].
        if (groupKey !== undefined && !keys.includes(groupKey)) keys.push(groupKey);
        slots.push(streamId, groupKey === undefined ? '0' : String(keys.indexOf(groupKey) + 1));
      }
      this.connection.script(SCRIPTS.renewStreams, keys, [String(leaseEnd), String(this.streamLeaseMs), ...slots]).catch(() => undefined);
    }, Math.max(1, Math.floor(this.streamLeaseMs / 3)));
    this.renewTimer.unref();
  }

  private stopRenewal(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}

/**
 * Where a sealed value belongs, its additional data (see ../at-rest.ts): its record's key (a session's
 * k, an identity's conversation key and id) and its field, so a value copied into another record,
 * or another field, does not open there.
 *
 * A session's `conv` was sealed for one place shared by every session until issue 17 (so it
 * opened in any session's hash); it is now `place(k, 'conv')`. A session with a conversation
 * written before that cannot be read after the upgrade (StoreDataError, answered 503 like a
 * record under another key) until it expires: sessions live minutes, so that is accepted rather
 * than also trying the old place, which would leave the copy open.
 */
const place = (k: string, field: string) => `session:${k}:${field}`;
const identityPlace = (conversationKey: string, id: string) => `identity:${conversationKey}:${id}`;
const identityAttrsPlace = (conversationKey: string, id: string) => `identity-attributes:${conversationKey}:${id}`;
const changePlace = (conversationKey: string) => `identity-change:${conversationKey}`;

function resultSummary(result: VerifiedResult): { status: AuthStatus; sessionUrl?: string } {
  return { status: result.status, ...(result.sessionUrl ? { sessionUrl: result.sessionUrl } : {}) };
}
