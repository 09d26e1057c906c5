/**
 * In-memory SessionStore for a single process. Records are keyed by the
 * digest of their id; each record has one timer that deletes it at its
 * expiry, so personal data does not outlive the session.
 */
import { EventEmitter } from 'node:events';
import type { VerifiedResult } from '../protocol.ts';
import { digest } from '../crypto/secrets.ts';
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
} from './session-store.ts';

interface HeldIdentity {
  record: IdentityRecord;
  attributesTimer?: NodeJS.Timeout;
  dropTimer: NodeJS.Timeout;
}

const conversationChannel = (conversation: string) => `conversation:${conversation}`;
const requestChannel = (conversation: string) => `request:${conversation}`;

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly byAttrId = new Map<string, string>();
  private readonly byReference = new Map<string, string>();
  private readonly purgeTimers = new Map<string, NodeJS.Timeout>();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly seenTokens = new Map<string, number>();
  private readonly counters = new Map<string, CounterState>();
  private readonly openStreams = new Set<string>();
  /** Open streams per stream group, and each grouped stream's group. */
  private readonly streamGroups = new Map<string, Set<string>>();
  private readonly groupOfStream = new Map<string, string>();
  /** Per conversation, its identities in the order they first appeared. */
  private readonly conversations = new Map<string, Map<string, HeldIdentity>>();
  /** Per conversation, its latest request to verify, and the timer that drops it. */
  private readonly requests = new Map<string, { record: RequestRecord; dropTimer: NodeJS.Timeout }>();
  private readonly changes = new EventEmitter();
  private readonly tokenSweep: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Every open stream subscribes; the default cap of 10 would only warn.
    this.changes.setMaxListeners(0);
    this.tokenSweep = setInterval(() => this.sweep(), 60_000);
    this.tokenSweep.unref();
  }

  async create(session: SessionRecord): Promise<void> {
    const key = digest(session.id);
    this.sessions.set(key, structuredClone(session));
    if (session.attrIdDigest) this.byAttrId.set(session.attrIdDigest, key);
    if (session.referenceDigest) this.byReference.set(session.referenceDigest, key);
    this.scheduleExpiry(key, session.expiresAt);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return this.live(digest(id));
  }

  async getByAttrId(attrId: string): Promise<SessionRecord | undefined> {
    const key = this.byAttrId.get(digest(attrId));
    return key === undefined ? undefined : this.live(key);
  }

  async attachResult(id: string, result: VerifiedResult): Promise<AttachOutcome> {
    const session = this.liveRecord(digest(id));
    if (!session) return 'not_found';
    if (session.result) return 'already_has_result';
    session.result = structuredClone(result);
    session.resultAt = this.now();
    this.changes.emit(id, { type: 'result' } satisfies SessionChange);
    return 'attached';
  }

  async bind(id: string, step: BindingStep): Promise<BindingOutcome | undefined> {
    const session = this.liveRecord(digest(id));
    const binding = session?.binding;
    if (!session || !binding) return undefined;
    const now = this.now();
    let changed = false;
    switch (step.type) {
      case 'clientUrl':
        binding.clientUrl = step.url;
        changed = true;
        break;
      case 'launch':
        if (binding.browserDigest === undefined) {
          binding.browserDigest = step.browserDigest;
          changed = true;
        }
        break;
      case 'return':
        if (step.foreign && binding.foreignAt === undefined) {
          binding.foreignAt = now;
          changed = true;
        } else if (!step.foreign && binding.returnedAt === undefined && binding.foreignAt === undefined) {
          binding.returnedAt = now;
          changed = true;
        }
        break;
      case 'release':
        if (
          session.result &&
          binding.returnedAt !== undefined &&
          binding.foreignAt === undefined &&
          binding.releasedAt === undefined &&
          now >= (session.resultAt ?? 0) + step.settleMs
        ) {
          binding.releasedAt = now;
          changed = true;
        }
        break;
    }
    if (changed && (step.type === 'return' || step.type === 'release')) this.changes.emit(id, { type: 'binding' } satisfies SessionChange);
    return { session: structuredClone(session), changed };
  }

  async markDelivered(id: string, graceMs: number, retainMs?: number): Promise<void> {
    const key = digest(id);
    const session = this.liveRecord(key);
    if (!session || session.deliveredAt !== undefined) return;
    session.deliveredAt = this.now();
    if (retainMs === undefined) {
      session.expiresAt = Math.min(session.expiresAt, session.deliveredAt + graceMs);
    } else {
      session.expiresAt = session.deliveredAt + retainMs;
      const timer = setTimeout(() => this.purge(key), graceMs);
      timer.unref();
      this.purgeTimers.set(key, timer);
    }
    this.scheduleExpiry(key, session.expiresAt);
  }

  async purgeAttributes(id: string): Promise<void> {
    this.purge(digest(id));
  }

  async getByReference(reference: string): Promise<SessionRecord | undefined> {
    const key = this.byReference.get(digest(reference));
    return key === undefined ? undefined : this.live(key);
  }

  async spendReference(reference: string, streamTokenDigest: string, conversation?: string): Promise<SessionRecord | undefined> {
    const referenceDigest = digest(reference);
    const key = this.byReference.get(referenceDigest);
    this.byReference.delete(referenceDigest);
    const session = key === undefined ? undefined : this.liveRecord(key);
    if (!session) return undefined;
    delete session.referenceDigest;
    session.streamTokenDigest = streamTokenDigest;
    if (conversation !== undefined) session.conversation = conversation;
    return structuredClone(session);
  }

  async claimActivity(id: string, minIntervalMs: number): Promise<boolean> {
    const session = this.liveRecord(digest(id));
    if (!session) return false;
    const now = this.now();
    if (session.lastActivityAt !== undefined && now - session.lastActivityAt < minIntervalMs) return false;
    session.lastActivityAt = now;
    return true;
  }

  async delete(id: string): Promise<void> {
    this.remove(digest(id));
  }

  async claimToken(tokenDigest: string, until: number): Promise<boolean> {
    const seenUntil = this.seenTokens.get(tokenDigest);
    if (seenUntil !== undefined && seenUntil > this.now()) return false;
    this.seenTokens.set(tokenDigest, until);
    return true;
  }

  async countSessions(): Promise<number> {
    return this.sessions.size;
  }

  async hit(key: string, windowMs: number, by = 1): Promise<CounterState> {
    const now = this.now();
    let counter = this.counters.get(key);
    if (!counter || counter.resetAt <= now) {
      counter = { count: 0, resetAt: now + windowMs };
      this.counters.set(key, counter);
    }
    counter.count = Math.max(0, counter.count + by);
    return { ...counter };
  }

  async openStream(streamId: string, max: number, sessionId?: string): Promise<boolean> {
    if (this.openStreams.size >= max) return false;
    this.openStreams.add(streamId);
    if (sessionId !== undefined) this.changes.emit(sessionId, { type: 'stream', streamId } satisfies SessionChange);
    return true;
  }

  async openGroupStream(streamId: string, max: number, group: StreamGroup): Promise<'opened' | 'full' | 'group_full'> {
    const members = this.streamGroups.get(group.name) ?? new Set<string>();
    if (members.size >= group.max) return 'group_full';
    if (this.openStreams.size >= max) return 'full';
    this.openStreams.add(streamId);
    members.add(streamId);
    this.streamGroups.set(group.name, members);
    this.groupOfStream.set(streamId, group.name);
    return 'opened';
  }

  async closeStream(streamId: string): Promise<void> {
    this.openStreams.delete(streamId);
    const group = this.groupOfStream.get(streamId);
    if (group === undefined) return;
    this.groupOfStream.delete(streamId);
    const members = this.streamGroups.get(group);
    members?.delete(streamId);
    if (members?.size === 0) this.streamGroups.delete(group);
  }

  async putIdentity(record: IdentityRecord, keepMs: number): Promise<boolean> {
    if (this.conversations.get(record.conversation)?.get(record.id)?.record.status === 'forgotten') return false;
    this.hold(structuredClone(record), keepMs);
    this.changes.emit(conversationChannel(record.conversation), structuredClone(record));
    return true;
  }

  async listIdentities(conversation: string): Promise<IdentityRecord[]> {
    const held = this.conversations.get(conversation);
    return held ? [...held.values()].map(({ record }) => structuredClone(record)) : [];
  }

  async forgetConversation(conversation: string, keepMs: number): Promise<ForgetOutcome[]> {
    const held = this.conversations.get(conversation);
    if (!held) return [];
    const now = this.now();
    const outcomes: ForgetOutcome[] = [];
    for (const { record } of [...held.values()]) {
      const { attributes: _dropped, ...rest } = record;
      const forgotten: IdentityRecord = { ...rest, status: 'forgotten', updatedAt: now, until: now };
      const changed = await this.putIdentity(forgotten, Math.max(keepMs, record.until - now));
      outcomes.push({ record: changed ? forgotten : structuredClone(record), changed });
    }
    return outcomes;
  }

  subscribeConversation(conversation: string, listener: (record: IdentityRecord) => void): () => void {
    const channel = conversationChannel(conversation);
    this.changes.on(channel, listener);
    return () => this.changes.off(channel, listener);
  }

  // No await between the check and the change: atomic within the one process.
  async openRequest(record: RequestRecord, keepMs: number): Promise<'opened' | 'exists'> {
    const held = this.requests.get(record.conversation);
    // The new record's createdAt is the caller's now: the moment the held one is judged at.
    if (held && held.record.status === 'pending' && held.record.expiresAt > record.createdAt) return 'exists';
    if (held) clearTimeout(held.dropTimer);
    const dropTimer = setTimeout(() => {
      if (this.requests.get(record.conversation)?.dropTimer === dropTimer) this.requests.delete(record.conversation);
    }, keepMs);
    dropTimer.unref();
    this.requests.set(record.conversation, { record: structuredClone(record), dropTimer });
    this.changes.emit(requestChannel(record.conversation), structuredClone(record));
    return 'opened';
  }

  async getRequest(conversation: string): Promise<RequestRecord | undefined> {
    const held = this.requests.get(conversation);
    return held && structuredClone(held.record);
  }

  async settleRequest(conversation: string, id: string, settlement: RequestSettlement, now: number): Promise<RequestRecord | undefined> {
    const held = this.requests.get(conversation);
    if (!held || held.record.id !== id || held.record.status !== 'pending' || held.record.expiresAt <= now) return undefined;
    held.record = { ...held.record, ...settlement, updatedAt: now };
    this.changes.emit(requestChannel(conversation), structuredClone(held.record));
    return structuredClone(held.record);
  }

  subscribeRequests(conversation: string, listener: (record: RequestRecord) => void): () => void {
    const channel = requestChannel(conversation);
    this.changes.on(channel, listener);
    return () => this.changes.off(channel, listener);
  }

  /** Keeps `record`, with one timer for its attributes and one for the record itself. */
  private hold(record: IdentityRecord, keepMs: number): void {
    let held = this.conversations.get(record.conversation);
    if (!held) {
      held = new Map();
      this.conversations.set(record.conversation, held);
    }
    const previous = held.get(record.id);
    if (previous) {
      clearTimeout(previous.attributesTimer);
      clearTimeout(previous.dropTimer);
    }
    const entry: HeldIdentity = {
      record,
      dropTimer: setTimeout(() => {
        held.delete(record.id);
        if (held.size === 0 && this.conversations.get(record.conversation) === held) this.conversations.delete(record.conversation);
      }, keepMs),
    };
    entry.dropTimer.unref();
    if (record.attributes) {
      entry.attributesTimer = setTimeout(() => delete entry.record.attributes, Math.max(0, record.until - this.now()));
      entry.attributesTimer.unref();
    }
    held.set(record.id, entry);
  }

  subscribe(id: string, listener: (change: SessionChange) => void): () => void {
    this.changes.on(id, listener);
    return () => this.changes.off(id, listener);
  }

  async close(): Promise<void> {
    for (const timer of [...this.expiryTimers.values(), ...this.purgeTimers.values()]) clearTimeout(timer);
    this.purgeTimers.clear();
    this.byReference.clear();
    clearInterval(this.tokenSweep);
    this.expiryTimers.clear();
    this.sessions.clear();
    this.byAttrId.clear();
    this.seenTokens.clear();
    this.counters.clear();
    this.openStreams.clear();
    this.streamGroups.clear();
    this.groupOfStream.clear();
    for (const held of this.conversations.values()) {
      for (const { attributesTimer, dropTimer } of held.values()) {
        clearTimeout(attributesTimer);
        clearTimeout(dropTimer);
      }
    }
    this.conversations.clear();
    for (const { dropTimer } of this.requests.values()) clearTimeout(dropTimer);
    this.requests.clear();
    this.changes.removeAllListeners();
  }

  /** Number of sessions held, for tests and metrics. */
  get size(): number {
    return this.sessions.size;
  }

  private live(key: string): SessionRecord | undefined {
    const session = this.liveRecord(key);
    // Callers get a copy: only the store's own methods change a record.
    return session && structuredClone(session);
  }

  private liveRecord(key: string): SessionRecord | undefined {
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return session;
  }

  private scheduleExpiry(key: string, expiresAt: number): void {
    clearTimeout(this.expiryTimers.get(key));
    // setTimeout caps at ~24.8 days; sessions live minutes.
    const timer = setTimeout(() => this.remove(key), Math.max(0, expiresAt - this.now()));
    timer.unref();
    this.expiryTimers.set(key, timer);
  }

  private purge(key: string): void {
    clearTimeout(this.purgeTimers.get(key));
    this.purgeTimers.delete(key);
    const session = this.sessions.get(key);
    if (!session?.result) return;
    session.result.attributes = {};
    session.attributesPurged = true;
  }

  private remove(key: string): void {
    const session = this.sessions.get(key);
    clearTimeout(this.expiryTimers.get(key));
    clearTimeout(this.purgeTimers.get(key));
    this.expiryTimers.delete(key);
    this.purgeTimers.delete(key);
    if (!session) return;
    this.sessions.delete(key);
    if (session.attrIdDigest) this.byAttrId.delete(session.attrIdDigest);
    if (session.referenceDigest) this.byReference.delete(session.referenceDigest);
    this.changes.emit(session.id, { type: 'deleted' } satisfies SessionChange);
  }

  private sweep(): void {
    const now = this.now();
    for (const [tokenDigest, until] of this.seenTokens) if (until <= now) this.seenTokens.delete(tokenDigest);
    for (const [key, counter] of this.counters) if (counter.resetAt <= now) this.counters.delete(key);
  }
}
