/**
 * SessionStore on Redis, for several backend instances sharing one Redis
 * (standalone or a primary with replicas; not Redis Cluster: some scripts
 * touch keys derived from a record). Redis 6.2 or newer.
 *
 * - Every change that must have one winner is one Lua script (attach once,
 *   spend a reference once, activity throttling, stream cap, counters) or one
 *   `SET NX` (replayed results): two instances racing get exactly one winner.
 * - Every key has a TTL: a session at its expiry, a replay record until the
 *   token's end, an identity `keepMs` after its last change, a request to
 *   verify `keepMs` after it was opened, a counter at its window's end, stream
 *   slots at their lease's end. Nothing sweeps; indexes that can outlive what
 *   they point to (a sorted set) are trimmed when read.
 * - What holds a person's data is sealed with AES-256-GCM under a key Redis
 *   never sees (see ../at-rest.ts): a session's details, result and attributes,
 *   identities, requests to verify, and the changes published to other
 *   instances. Left in the clear: digests, expiry times, flags.
 * - Wake-ups go through Redis pub/sub: one subscriber connection per store,
 *   one channel per watched session, conversation or conversation's requests,
 *   so a change made by any instance reaches the listeners of every instance.
 *   The instance that made a change tells its own listeners at once (before
 *   its call returns) and skips its own message. A session's expiry is noticed
 *   by a timer per watched session on each instance that watches it (Redis
 *   expiries are silent). After the subscriber reconnects, watched sessions,
 *   conversations and requests are read again, so a change missed while it
 *   was away is still told.
 * - A subscribe() followed by any call on the same store: the subscription is
 *   in place on Redis before that call runs (bounded by the offline wait), so
 *   "subscribe, then read" never misses a change made between the two.
 * - Redis unreachable: calls fail with StoreUnavailableError within about a
 *   second (see connection.ts); the store reconnects by itself.
 *
 * This file is the store's logic; beside it: connection.ts (the clients),
 * scripts.ts (the Lua), key-names.ts (keys, channels, sealing places),
 * codec.ts (a session as a hash), wake-ups.ts (pub/sub channels and messages),
 * outbox.ts (the webhook outbox on the same connection).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../observability/logger.ts';
import type { Attributes, VerifiedResult } from '../../protocol.ts';
import { digest } from '../../crypto/secrets.ts';
import { AtRestCipher } from '../at-rest.ts';
import { DEFAULT_OFFLINE_WAIT_MS, RedisConnection, type RedisConnectionOptions, type RedisReply } from './connection.ts';
import type {
  AttachOutcome,
  BindingOutcome,
  BindingStep,
  CounterState,
  ForgetOutcome,
  IdentityRecord,
  RequestRecord,
  RequestSettlement,
  SessionChange,
  SessionRecord,
  SessionStore,
  StreamGroup,
} from '../session-store.ts';
import { RedisWebhookOutbox, type RedisWebhookOutboxOptions } from './outbox.ts';
import { DEFAULT_REDIS_PREFIX, RedisKeyNames, changePlace, identityAttrsPlace, identityPlace, place, requestChangePlace, requestPlace } from './key-names.ts';
import { decodeSession, encodeSession, resultSummary } from './codec.ts';
import { SCRIPTS } from './scripts.ts';
import { ChannelSubscriptions, type ConversationMessage, type ConversationWatch, type RequestMessage, type RequestWatch, type SessionMessage, type SessionWatch } from './wake-ups.ts';

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

export class RedisSessionStore implements SessionStore {
  private readonly connection: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly cipher: AtRestCipher;
  private readonly keys: RedisKeyNames;
  private readonly streamLeaseMs: number;
  private readonly now: () => number;
  private readonly logger?: Logger;
  private readonly connectionOptions: RedisConnectionOptions;
  /** Tells this instance's own messages from other instances'. */
  private readonly origin = randomBytes(12).toString('base64url');
  private readonly sessionWatches = new Map<string, SessionWatch>();
  private readonly conversationWatches = new Map<string, ConversationWatch>();
  private readonly requestWatches = new Map<string, RequestWatch>();
  private readonly wakeUps: ChannelSubscriptions;
  /** Stream slots this instance holds, renewed while open, each with its group's key if any. */
  private readonly ownStreams = new Map<string, string | undefined>();
  private renewTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(options: RedisSessionStoreOptions) {
    this.cipher = new AtRestCipher(options.key);
    this.keys = new RedisKeyNames(options.prefix ?? DEFAULT_REDIS_PREFIX);
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
    this.wakeUps = new ChannelSubscriptions(this.subscriber, options.offlineWaitMs ?? DEFAULT_OFFLINE_WAIT_MS, () => this.closed);
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
    return new RedisWebhookOutbox({ ...options, connection: this.connection, cipher: this.cipher, prefix: this.keys.prefix });
  }

  async create(session: SessionRecord): Promise<void> {
    await this.wakeUps.settled();
    const k = digest(session.id);
    const { fields, attrs } = encodeSession(this.cipher, k, session);
    await this.connection.script(
      SCRIPTS.create,
      [
        this.keys.sessionKey(k),
        this.keys.attrsKey(k),
        this.keys.liveKey,
        `${this.keys.prefix}a:${session.attrIdDigest ?? '-'}`,
        `${this.keys.prefix}r:${session.referenceDigest ?? '-'}`,
        this.keys.endedKey(k),
      ],
      [String(this.now()), String(session.expiresAt), k, session.attrIdDigest ? '1' : '', session.referenceDigest ? '1' : '', attrs ?? '', String(ENDED_MEMORY_MS), ...fields],
    );
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    await this.wakeUps.settled();
    const k = digest(id);
    const reply = await this.connection.script(SCRIPTS.read, [this.keys.sessionKey(k), this.keys.attrsKey(k)], []);
    if (!Array.isArray(reply)) return undefined;
    return decodeSession(this.cipher, this.now(), k, reply[0], reply[1]);
  }

  async getByAttrId(attrId: string): Promise<SessionRecord | undefined> {
    return this.readIndexed(`${this.keys.prefix}a:${digest(attrId)}`);
  }

  async getByReference(reference: string): Promise<SessionRecord | undefined> {
    return this.readIndexed(`${this.keys.prefix}r:${digest(reference)}`);
  }

  async attachResult(id: string, result: VerifiedResult): Promise<AttachOutcome> {
    await this.wakeUps.settled();
    const k = digest(id);
    const outcome = (await this.connection.script(
      SCRIPTS.attach,
      [this.keys.sessionKey(k), this.keys.attrsKey(k)],
      [
        String(this.now()),
        this.cipher.sealJson(resultSummary(result), place(k, 'res')),
        this.cipher.sealJson(result.attributes, place(k, 'attrs')),
        this.keys.sessionChannel(k),
        this.message({ t: 'result' }),
      ],
    )) as AttachOutcome;
    if (outcome === 'attached') this.tellSession(k, { o: this.origin, t: 'result' });
    return outcome;
  }

  async bind(id: string, step: BindingStep): Promise<BindingOutcome | undefined> {
    await this.wakeUps.settled();
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
      [this.keys.sessionKey(k), this.keys.attrsKey(k)],
      [String(this.now()), step.type, value, this.keys.sessionChannel(k), this.message({ t: 'bind' })],
    );
    if (!Array.isArray(reply)) return undefined;
    const session = decodeSession(this.cipher, this.now(), k, reply[1], reply[2]);
    if (!session) return undefined;
    const changed = reply[0] === 1;
    if (changed && (step.type === 'return' || step.type === 'release')) this.tellSession(k, { o: this.origin, t: 'bind' });
    return { session, changed };
  }

  async markDelivered(id: string, graceMs: number, retainMs?: number): Promise<void> {
    await this.wakeUps.settled();
    const k = digest(id);
    const expiresAt = await this.connection.script(
      SCRIPTS.markDelivered,
      [this.keys.sessionKey(k), this.keys.attrsKey(k), this.keys.liveKey, this.keys.endedKey(k)],
      [
        String(this.now()),
        String(graceMs),
        retainMs === undefined ? '' : String(retainMs),
        this.keys.prefix,
        k,
        this.keys.sessionChannel(k),
        this.origin,
        String(ENDED_MEMORY_MS),
      ],
    );
    if (typeof expiresAt === 'string') this.tellSession(k, { o: this.origin, t: 'exp', e: Number(expiresAt) });
  }

  async purgeAttributes(id: string): Promise<void> {
    await this.wakeUps.settled();
    const k = digest(id);
    await this.connection.script(SCRIPTS.purge, [this.keys.sessionKey(k), this.keys.attrsKey(k)], []);
  }

  async delete(id: string): Promise<void> {
    await this.wakeUps.settled();
    const k = digest(id);
    const deleted = await this.connection.script(
      SCRIPTS.delete,
      [this.keys.sessionKey(k), this.keys.attrsKey(k), this.keys.liveKey, this.keys.endedKey(k)],
      [this.keys.prefix, k, this.keys.sessionChannel(k), this.message({ t: 'deleted' }), String(this.now()), String(ENDED_MEMORY_MS)],
    );
    if (deleted === 1) this.tellSession(k, { o: this.origin, t: 'deleted' });
  }

  async spendReference(reference: string, streamTokenDigest: string, conversation?: string): Promise<SessionRecord | undefined> {
    await this.wakeUps.settled();
    const indexKey = `${this.keys.prefix}r:${digest(reference)}`;
    // The conversation is sealed for its session (k in the additional data), and k is behind the
    // reference: looked up first, then the one script spends only if the reference still points
    // there (so of two spends exactly one wins, as without a conversation).
    let k: RedisReply = conversation === undefined ? '' : await this.connection.command(['GET', indexKey]);
    for (let tries = 0; tries < 3 && typeof k === 'string'; tries++) {
      const reply: RedisReply = await this.connection.script(
        SCRIPTS.spendReference,
        [indexKey],
        [String(this.now()), this.keys.prefix, streamTokenDigest, conversation === undefined ? '' : this.cipher.sealJson(conversation, place(k, 'conv')), k],
      );
      if (!Array.isArray(reply)) return undefined;
      // The reference points elsewhere now (a session created again with it): seal for that one.
      if (reply[0] === 0) {
        k = reply[1] ?? null;
        continue;
      }
      return decodeSession(this.cipher, this.now(), String(reply[0]), reply[1], reply[2]);
    }
    return undefined;
  }

  async claimActivity(id: string, minIntervalMs: number): Promise<boolean> {
    await this.wakeUps.settled();
    const reply = await this.connection.script(SCRIPTS.claimActivity, [this.keys.sessionKey(digest(id))], [String(this.now()), String(minIntervalMs)]);
    return reply === 1;
  }

  async claimToken(resultKey: string, until: number): Promise<boolean> {
    await this.wakeUps.settled();
    const ttl = Math.ceil(until - this.now());
    // A token already past its time cannot be replayed anyway: nothing to keep.
    if (ttl <= 0) return true;
    const reply = await this.connection.command(['SET', `${this.keys.prefix}t:${digest(resultKey)}`, '1', 'NX', 'PX', String(ttl)]);
    return reply !== null;
  }

  async countSessions(): Promise<number> {
    await this.wakeUps.settled();
    return Number(await this.connection.script(SCRIPTS.countSessions, [this.keys.liveKey], [String(this.now())]));
  }

  async hit(key: string, windowMs: number, by = 1): Promise<CounterState> {
    await this.wakeUps.settled();
    const now = this.now();
    const reply = (await this.connection.script(SCRIPTS.hit, [`${this.keys.prefix}n:${digest(key)}`], [String(Math.max(1, Math.ceil(windowMs))), String(by)])) as number[];
    return { count: Number(reply[0]), resetAt: now + Number(reply[1]) };
  }

  async openStream(streamId: string, max: number, sessionId?: string): Promise<boolean> {
    await this.wakeUps.settled();
    const k = sessionId === undefined ? undefined : digest(sessionId);
    const opened =
      (await this.connection.script(
        SCRIPTS.openStream,
        [this.keys.streamsKey],
        [
          String(this.now()),
          String(this.streamLeaseMs),
          String(max),
          streamId,
          k === undefined ? '' : this.keys.sessionChannel(k),
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
    await this.wakeUps.settled();
    const groupKey = this.keys.streamGroupKey(group.name);
    const outcome = (await this.connection.script(
      SCRIPTS.openGroupStream,
      [this.keys.streamsKey, groupKey],
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
    await this.wakeUps.settled();
    await this.connection.script(SCRIPTS.closeStream, groupKey === undefined ? [this.keys.streamsKey] : [this.keys.streamsKey, groupKey], [streamId]);
  }

  subscribe(id: string, listener: (change: SessionChange) => void): () => void {
    if (this.closed) return () => {};
    const k = digest(id);
    let watch = this.sessionWatches.get(k);
    if (!watch) {
      const created: SessionWatch = { id, key: k, channel: this.keys.sessionChannel(k), listeners: new Set(), ended: false, sawResult: false };
      watch = created;
      this.sessionWatches.set(k, created);
      this.wakeUps.listen(created.channel, (message) => this.onSessionMessage(k, message));
      void this.checkExpiry(created, false);
    }
    const entry = { listener };
    const held = watch;
    held.listeners.add(entry);
    return () => {
      if (!held.listeners.delete(entry) || held.listeners.size > 0) return;
      clearTimeout(held.timer);
      if (this.sessionWatches.get(k) === held) this.sessionWatches.delete(k);
      this.wakeUps.unlisten(held.channel);
    };
  }

  async putIdentity(record: IdentityRecord, keepMs: number): Promise<boolean> {
    await this.wakeUps.settled();
    const now = this.now();
    const conversationKey = digest(record.conversation);
    const { attributes, ...rest } = record;
    const changed = await this.connection.script(
      SCRIPTS.putIdentity,
      [
        this.keys.conversationKey(conversationKey),
        this.keys.identityKey(conversationKey, record.id),
        this.keys.identityAttrsKey(conversationKey, record.id),
        this.keys.forgottenKey(conversationKey, record.id),
      ],
      [
        String(now),
        record.id,
        this.cipher.sealJson(rest, identityPlace(conversationKey, record.id)),
        attributes ? this.cipher.sealJson(attributes, identityAttrsPlace(conversationKey, record.id)) : '',
        String(now + keepMs),
        String(record.until),
        this.keys.conversationChannel(conversationKey),
        JSON.stringify({ o: this.origin, r: this.cipher.sealJson(record, changePlace(conversationKey)) } satisfies ConversationMessage),
        record.status === 'forgotten' ? '1' : '',
      ],
    );
    if (changed !== 1) return false;
    this.tellConversation(conversationKey, structuredClone(record));
    return true;
  }

  async listIdentities(conversation: string): Promise<IdentityRecord[]> {
    await this.wakeUps.settled();
    const conversationKey = digest(conversation);
    const reply = (await this.connection.script(
      SCRIPTS.listIdentities,
      [this.keys.conversationKey(conversationKey)],
      [this.keys.identityKey(conversationKey, ''), this.keys.identityAttrsKey(conversationKey, '')],
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
        channel: this.keys.conversationChannel(conversationKey),
        listeners: new Set(),
        seen: new Map(),
      };
      watch = created;
      this.conversationWatches.set(conversationKey, created);
      this.wakeUps.listen(created.channel, (message) => this.onConversationMessage(conversationKey, message));
    }
    const entry = { listener };
    const held = watch;
    held.listeners.add(entry);
    return () => {
      if (!held.listeners.delete(entry) || held.listeners.size > 0) return;
      if (this.conversationWatches.get(conversationKey) === held) this.conversationWatches.delete(conversationKey);
      this.wakeUps.unlisten(held.channel);
    };
  }

  async openRequest(record: RequestRecord, keepMs: number): Promise<'opened' | 'exists'> {
    await this.wakeUps.settled();
    const conversationKey = digest(record.conversation);
    // The new record's createdAt is the caller's now: the moment a held one is judged at.
    const outcome = (await this.connection.script(
      SCRIPTS.openRequest,
      [this.keys.requestKey(conversationKey)],
      [
        String(record.createdAt),
        record.id,
        String(record.expiresAt),
        this.cipher.sealJson(record, requestPlace(conversationKey)),
        String(Math.max(1, Math.ceil(keepMs))),
        this.keys.requestChannel(conversationKey),
        this.requestMessage(conversationKey, record),
      ],
    )) as 'opened' | 'exists';
    if (outcome === 'opened') this.tellRequest(conversationKey, structuredClone(record));
    return outcome;
  }

  async getRequest(conversation: string): Promise<RequestRecord | undefined> {
    await this.wakeUps.settled();
    const conversationKey = digest(conversation);
    const sealed = await this.connection.command(['HGET', this.keys.requestKey(conversationKey), 'data']);
    return typeof sealed === 'string' ? this.cipher.openJson<RequestRecord>(sealed, requestPlace(conversationKey)) : undefined;
  }

  async settleRequest(conversation: string, id: string, settlement: RequestSettlement, now: number): Promise<RequestRecord | undefined> {
    const held = await this.getRequest(conversation);
    if (!held || held.id !== id || held.status !== 'pending' || held.expiresAt <= now) return undefined;
    const conversationKey = digest(conversation);
    const settled: RequestRecord = { ...held, ...settlement, updatedAt: now };
    // The script changes it only if it is still that pending request: of two settles, one wins.
    const changed = await this.connection.script(
      SCRIPTS.settleRequest,
      [this.keys.requestKey(conversationKey)],
      [
        String(now),
        id,
        settled.status,
        this.cipher.sealJson(settled, requestPlace(conversationKey)),
        this.keys.requestChannel(conversationKey),
        this.requestMessage(conversationKey, settled),
      ],
    );
    if (changed !== 1) return undefined;
    this.tellRequest(conversationKey, structuredClone(settled));
    return settled;
  }

  subscribeRequests(conversation: string, listener: (record: RequestRecord) => void): () => void {
    if (this.closed) return () => {};
    const conversationKey = digest(conversation);
    let watch = this.requestWatches.get(conversationKey);
    if (!watch) {
      const created: RequestWatch = { conversation, key: conversationKey, channel: this.keys.requestChannel(conversationKey), listeners: new Set() };
      watch = created;
      this.requestWatches.set(conversationKey, created);
      this.wakeUps.listen(created.channel, (message) => this.onRequestMessage(conversationKey, message));
    }
    const entry = { listener };
    const held = watch;
    held.listeners.add(entry);
    return () => {
      if (!held.listeners.delete(entry) || held.listeners.size > 0) return;
      if (this.requestWatches.get(conversationKey) === held) this.requestWatches.delete(conversationKey);
      this.wakeUps.unlisten(held.channel);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopRenewal();
    for (const watch of this.sessionWatches.values()) clearTimeout(watch.timer);
    this.sessionWatches.clear();
    this.conversationWatches.clear();
    this.requestWatches.clear();
    this.wakeUps.clear();
    // Slots still held go back now rather than at their lease's end (best effort).
    if (this.ownStreams.size > 0 && this.connection.isReady) {
      await Promise.all(
        [...this.ownStreams].map(([streamId, groupKey]) =>
          this.connection.script(SCRIPTS.closeStream, groupKey === undefined ? [this.keys.streamsKey] : [this.keys.streamsKey, groupKey], [streamId]),
        ),
      ).catch(() => undefined);
    }
    this.ownStreams.clear();
    await Promise.all([this.connection.close(), this.subscriber.close()]);
  }

  private requestMessage(conversationKey: string, record: RequestRecord): string {
    return JSON.stringify({ o: this.origin, r: this.cipher.sealJson(record, requestChangePlace(conversationKey)) } satisfies RequestMessage);
  }

  private message(body: { t: 'result' } | { t: 'deleted' } | { t: 'stream'; s: string } | { t: 'bind' }): string {
    return JSON.stringify({ o: this.origin, ...body });
  }

  // --- records ------------------------------------------------------------------------------

  private async readIndexed(indexKey: string): Promise<SessionRecord | undefined> {
    await this.wakeUps.settled();
    const reply = await this.connection.script(SCRIPTS.readIndexed, [indexKey], [this.keys.prefix]);
    if (!Array.isArray(reply)) return undefined;
    return decodeSession(this.cipher, this.now(), String(reply[0]), reply[1], reply[2]);
  }

  // --- wake-ups -----------------------------------------------------------------------------
  // --- wake-ups -----------------------------------------------------------------------------

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

  private onRequestMessage(conversationKey: string, raw: string): void {
    let record: RequestRecord;
    try {
      const message = JSON.parse(raw) as RequestMessage;
      if (message.o === this.origin) return;
      record = this.cipher.openJson<RequestRecord>(message.r, requestChangePlace(conversationKey));
    } catch (error) {
      this.logger?.error('store change unreadable', { reason: error instanceof Error ? error.name : 'unknown' });
      return;
    }
    this.tellRequest(conversationKey, record);
  }

  private tellRequest(conversationKey: string, record: RequestRecord): void {
    const watch = this.requestWatches.get(conversationKey);
    if (!watch) return;
    watch.seen = `${record.id}:${record.status}`;
    for (const { listener } of [...watch.listeners]) {
      try {
        listener(structuredClone(record));
      } catch (error) {
        this.logger?.error('store listener failed', { reason: error instanceof Error ? error.name : 'unknown' });
      }
    }
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
      await this.wakeUps.settled();
      state = await this.connection.script(SCRIPTS.watchState, [this.keys.sessionKey(watch.key), this.keys.endedKey(watch.key)], []);
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
    this.wakeUps.resubscribe();
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
    for (const watch of this.requestWatches.values()) {
      void this.getRequest(watch.conversation).then(
        (record) => {
          if (record && `${record.id}:${record.status}` !== watch.seen) this.tellRequest(watch.key, record);
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
      const keys = [this.keys.streamsKey];
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
