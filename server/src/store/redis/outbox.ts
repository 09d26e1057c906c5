/**
 * WebhookOutbox on Redis: pending deliveries survive a restart and are sent
 * by whichever instance claims them first.
 *
 * A sorted set `{prefix}w:due` orders delivery ids by due time (a claim moves
 * one to its lease's end); each delivery's type, attempts and body sit in a
 * hash `{prefix}w:d:{id}`, the body sealed with AES-256-GCM (it holds verified
 * attributes). Enqueue, claim, reschedule and done are each one Lua script, so
 * two instances never claim one delivery at once. Every key expires
 * `retentionMs` (default 24 h) after its last change: a delivery nobody
 * attempts for that long (no instance running) is dropped, not kept forever.
 * Ids in the set whose hash is gone are dropped when met. A delivery that
 * carries a conversation's attributes is also in a set `{prefix}w:c:{digest}`,
 * named by the conversation's digest (never the conversation itself), so
 * forgetting the conversation cancels it.
 */
import { AtRestCipher } from '../at-rest.ts';
import { LuaScript, RedisConnection, type RedisConnectionOptions } from './connection.ts';
import { DEFAULT_MAX_PENDING_WEBHOOKS } from '../../webhook/memory-outbox.ts';
import type { PendingWebhook, WebhookOutbox } from '../../webhook/outbox.ts';

export const DEFAULT_WEBHOOK_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface RedisWebhookOutboxOptions extends Partial<RedisConnectionOptions> {
  /** A connection to share (RedisSessionStore.webhookOutbox() passes its own); else `url` opens one. */
  connection?: RedisConnection;
  /** 32 bytes, the AES-256-GCM key for bodies; or `cipher`. */
  key?: Uint8Array;
  cipher?: AtRestCipher;
  /** Key prefix (default `idc:`); the outbox's keys are under `{prefix}w:`. */
  prefix?: string;
  maxPending?: number;
  retentionMs?: number;
}

const SCRIPTS = {
  // KEYS: due set, delivery, conversation index (unused without a digest).
  // ARGV: max, id, type, sealed body, attempts, due at, retention, delivery key prefix, conversation digest or ''.
  enqueue: new LuaScript(`
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if redis.call('EXISTS', ARGV[8] .. id) == 0 then redis.call('ZREM', KEYS[1], id) end
  end
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'type', ARGV[3], 'body', ARGV[4], 'attempts', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[2], 'conv', ARGV[9])
  redis.call('SADD', KEYS[3], ARGV[2])
  redis.call('PEXPIRE', KEYS[3], ARGV[7])
end
redis.call('ZADD', KEYS[1], ARGV[6], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return 1
`),
  // KEYS: due set. ARGV: now, limit, lease, delivery key prefix.
  // Returns {id, type, sealed body, attempts, ...}, earliest first, each now claimed until now + lease.
  claimDue: new LuaScript(`
local now, limit, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out, seen, looked = {}, {}, 0
local claimed = 0
while claimed < limit do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit + looked)
  local progressed = false
  for _, id in ipairs(ids) do
    if claimed >= limit then break end
    if not seen[id] then
      seen[id] = true
      looked = looked + 1
      progressed = true
      local d = redis.call('HMGET', ARGV[4] .. id, 'type', 'body', 'attempts')
      if not d[1] then
        redis.call('ZREM', KEYS[1], id)
        looked = looked - 1
      else
        redis.call('ZADD', KEYS[1], string.format('%d', now + lease), id)
        table.insert(out, id)
        table.insert(out, d[1])
        table.insert(out, d[2])
        table.insert(out, d[3])
        claimed = claimed + 1
      end
    end
  end
  if not progressed then break end
end
return out
`),
  // KEYS: due set, delivery. ARGV: id, attempts, due at, retention, conversation index prefix.
  // The conversation index lives as long as its longest-lived delivery.
  reschedule: new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then return 0 end
redis.call('HSET', KEYS[2], 'attempts', ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local conv = redis.call('HGET', KEYS[2], 'conv')
if conv then redis.call('PEXPIRE', ARGV[5] .. conv, ARGV[4]) end
return 1
`),
  // KEYS: due set, delivery. ARGV: id, conversation index prefix.
  done: new LuaScript(`
local conv = redis.call('HGET', KEYS[2], 'conv')
if conv then redis.call('SREM', ARGV[2] .. conv, ARGV[1]) end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`),
  // KEYS: due set, conversation index. ARGV: delivery key prefix. Returns how many deliveries were dropped.
  cancelConversation: new LuaScript(`
local dropped = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  dropped = dropped + redis.call('DEL', ARGV[1] .. id)
  redis.call('ZREM', KEYS[1], id)
end
redis.call('DEL', KEYS[2])
return dropped
`),
  // KEYS: due set. ARGV: delivery key prefix. The earliest due time of a delivery still held.
  nextDueAt: new LuaScript(`
while true do
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if not first[1] then return false end
  if redis.call('EXISTS', ARGV[1] .. first[1]) == 1 then return first[2] end
  redis.call('ZREM', KEYS[1], first[1])
end
`),
};

export class RedisWebhookOutbox implements WebhookOutbox {
  private readonly connection: RedisConnection;
  private readonly ownsConnection: boolean;
  private readonly cipher: AtRestCipher;
  private readonly dueKey: string;
  private readonly deliveryPrefix: string;
  private readonly conversationPrefix: string;
  private readonly maxPending: number;
  private readonly retentionMs: number;

  constructor(options: RedisWebhookOutboxOptions) {
    if (options.connection) {
      this.connection = options.connection;
      this.ownsConnection = false;
    } else if (options.url) {
      this.connection = new RedisConnection({ ...options, url: options.url });
      this.ownsConnection = true;
    } else {
      throw new TypeError('RedisWebhookOutbox needs a connection or a url');
    }
    if (options.cipher) this.cipher = options.cipher;
    else if (options.key) this.cipher = new AtRestCipher(options.key);
    else throw new TypeError('RedisWebhookOutbox needs a key');
    const prefix = options.prefix ?? 'idc:';
    this.dueKey = `${prefix}w:due`;
    this.deliveryPrefix = `${prefix}w:d:`;
    this.conversationPrefix = `${prefix}w:c:`;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_WEBHOOKS;
    this.retentionMs = options.retentionMs ?? DEFAULT_WEBHOOK_RETENTION_MS;
  }

  async enqueue(delivery: PendingWebhook): Promise<boolean> {
    const reply = await this.connection.script(
      SCRIPTS.enqueue,
      [this.dueKey, this.deliveryPrefix + delivery.id, this.conversationPrefix + (delivery.conversationDigest ?? '-')],
      [
        String(this.maxPending),
        delivery.id,
        delivery.type,
        this.cipher.seal(delivery.body, bodyPlace(delivery.id)),
        String(delivery.attempts),
        String(delivery.dueAt),
        String(this.retentionMs),
        this.deliveryPrefix,
        delivery.conversationDigest ?? '',
      ],
    );
    return reply === 1;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<PendingWebhook[]> {
    if (limit <= 0) return [];
    const reply = (await this.connection.script(
      SCRIPTS.claimDue,
      [this.dueKey],
      [String(now), String(limit), String(leaseMs), this.deliveryPrefix],
    )) as string[];
    const claimed: PendingWebhook[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      const id = reply[i]!;
      claimed.push({
        id,
        type: reply[i + 1]!,
        body: this.cipher.open(reply[i + 2]!, bodyPlace(id)),
        attempts: Number(reply[i + 3]),
        dueAt: now + leaseMs,
      });
    }
    return claimed;
  }

  async reschedule(id: string, attempts: number, dueAt: number): Promise<void> {
    await this.connection.script(SCRIPTS.reschedule, [this.dueKey, this.deliveryPrefix + id], [
      id,
      String(attempts),
      String(dueAt),
      String(this.retentionMs),
      this.conversationPrefix,
    ]);
  }

  async done(id: string): Promise<void> {
    await this.connection.script(SCRIPTS.done, [this.dueKey, this.deliveryPrefix + id], [id, this.conversationPrefix]);
  }

  async cancelConversation(conversationDigest: string): Promise<number> {
    const reply = await this.connection.script(SCRIPTS.cancelConversation, [this.dueKey, this.conversationPrefix + conversationDigest], [this.deliveryPrefix]);
    return Number(reply);
  }

  async nextDueAt(): Promise<number | undefined> {
    const reply = await this.connection.script(SCRIPTS.nextDueAt, [this.dueKey], [this.deliveryPrefix]);
    return reply === null ? undefined : Number(reply);
  }

  /** Closes the connection if this outbox opened it (one shared with a store closes with the store). */
  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }
}

const bodyPlace = (id: string) => `webhook:${id}`;
