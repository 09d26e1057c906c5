/**
 * Sessions and the wake-up of their streams, behind one small interface.
 *
 * Everything outside a store implementation treats it as shared and remote
 * (a Redis implementation will follow): all calls are async, state changes
 * are atomic inside the store, and a stream learns of a result only through
 * `subscribe`, never through shared memory.
 */
import type { Attributes, VerifiedResult } from '../protocol.ts';

export interface SessionRecord {
  id: string;
  purpose: string;
  /** The core's name for the purpose when the session began, if it had one (the employee's side shows it). */
  purposeName?: string;
  authMethod?: string;
  /** Where the return page sends a user who did not come in a popup. */
  returnUrl?: string;
  /** Digest of the stream capability token (see crypto/secrets.ts). */
  streamTokenDigest: string;
  /** Digest of the attr_url's id; undefined when results come another way. */
  attrIdDigest?: string;
  createdAt: number;
  /** Epoch ms after which the session is gone (TTL, or grace after delivery). */
  expiresAt: number;
  result?: VerifiedResult;
  /** Epoch ms when a stream first delivered the result. */
  deliveredAt?: number;
  /** The result's attributes have been deleted; status and session_url remain for feedback. */
  attributesPurged?: boolean;
  /** Digest of a core-initiated session's one-time reference, until it is spent. */
  referenceDigest?: string;
  /** Epoch ms of the last user_active forwarded to the session_url. */
  lastActivityAt?: number;
  /** The conversation a guest ticket bound this session to. */
  conversation?: string;
  /** The id the employee's side and webhooks know this login by; it grants nothing. */
  identityId: string;
  /** Epoch ms when the result was attached. */
  resultAt?: number;
  /** A widget-started login's tie to the browser that started it (see results/binding.ts); core-started sessions have none. */
  binding?: BrowserBinding;
}

/**
 * The steps of a widget-started login, in the store so every instance sees them. Only digests
 * and times, but the core's client_url (sealed at rest).
 */
export interface BrowserBinding {
  /** Digest of the launch token the widget got from `POST /sessions`. */
  launchDigest: string;
  /** Where the launch sends the browser: the core's client_url, once the core gave it. */
  clientUrl?: string;
  /** Digest of the binding cookie of the browser that launched the login; set once. */
  browserDigest?: string;
  /** Epoch ms of the first return to the comm_url in that browser. */
  returnedAt?: number;
  /** Epoch ms of a return in any other browser: the result is refused for good. */
  foreignAt?: number;
  /** Epoch ms when the result went out (the resident's stream, the employee's side, webhooks). */
  releasedAt?: number;
}

/** One step of a binding; each is taken at most once, atomically. */
export type BindingStep =
  | { type: 'clientUrl'; url: string }
  /** Sets the browser, unless one is set already. */
  | { type: 'launch'; browserDigest: string }
  /** A return in the launching browser (unless a foreign one came first), or in another. */
  | { type: 'return'; foreign: boolean }
  /** Releases the result: only with a result, a return, no foreign return, and `settleMs` after the result. */
  | { type: 'release'; settleMs: number };

export interface BindingOutcome {
  session: SessionRecord;
  /** Whether this step changed the session (false: taken before, or not allowed yet). */
  changed: boolean;
}

/** What a login in a conversation looks like to the employee's side, as stored. */
export interface IdentityRecord {
  id: string;
  conversation: string;
  /** The resident's session; never shown to the employee's side. */
  sessionId: string;
  purpose: string;
  /** The core's name for the purpose, when known. */
  purposeName?: string;
  authMethod: string;
  status: 'waiting' | 'verified' | 'failed' | 'logged_out' | 'forgotten' | 'withdrawn';
  /** With `failed` or `withdrawn`: the login ended in another browser (results/binding.ts). */
  reason?: 'other_browser';
  /** Only while verified, and until `until`. */
  attributes?: Attributes;
  /** Epoch ms of the last change. */
  updatedAt: number;
  /** Epoch ms when a waiting login's session ends, or a verified one's attributes are deleted. */
  until: number;
}

/**
 * An employee's request that the conversation's resident log in (routes/agent-requests.ts), as
 * stored. Read as `expired` once `expiresAt` has passed while still pending.
 */
export interface RequestRecord {
  id: string;
  conversation: string;
  purpose: string;
  /** The core's name for the purpose, when it had one. */
  purposeName?: string;
  status: 'pending' | 'started' | 'declined';
  /** With `started`: the identity of the login it led to. */
  identityId?: string;
  createdAt: number;
  /** Epoch ms when a pending request lapses. */
  expiresAt: number;
  updatedAt: number;
}

/** How a pending request ends before it lapses. */
export type RequestSettlement = { status: 'started'; identityId: string } | { status: 'declined' };

/** One identity after forgetConversation. */
export interface ForgetOutcome {
  record: IdentityRecord;
  /** Forgotten by this call; false when it was forgotten already. */
  changed: boolean;
}

export type AttachOutcome = 'attached' | 'already_has_result' | 'not_found';

export type SessionChange =
  | { type: 'result' }
  | { type: 'deleted' }
  /** A stream opened on this session: any other stream on it ends (the newer one wins). */
  | { type: 'stream'; streamId: string }
  /** The binding took a step that decides the result (a return, a foreign return, the release). */
  | { type: 'binding' };

/** A fixed-window counter after one more hit. */
export interface CounterState {
  count: number;
  /** Epoch ms when the window ends and the count starts again. */
  resetAt: number;
}

/** Stream slots with a cap of their own, within the overall one. */
export interface StreamGroup {
  /** What the streams share, such as `agent:` and a conversation; a shared store keeps only its digest. */
  name: string;
  max: number;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** The live session, or undefined when unknown, deleted or expired. */
  get(id: string): Promise<SessionRecord | undefined>;
  getByAttrId(attrId: string): Promise<SessionRecord | undefined>;
  /** Sets the result once; a second attach changes nothing. Wakes subscribers. */
  attachResult(id: string, result: VerifiedResult): Promise<AttachOutcome>;
  /**
   * The result reached a stream: keep the attributes `graceMs` longer for reconnects, then
   * delete them. With `retainMs`, the rest of the session (status, session_url) stays that
   * long for activity and logout; without, the whole session goes with the attributes.
   */
  markDelivered(id: string, graceMs: number, retainMs?: number): Promise<void>;
  /** Deletes the result's attributes now, keeping the session for feedback. */
  purgeAttributes(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  getByReference(reference: string): Promise<SessionRecord | undefined>;
  /**
   * Takes one step of the session's browser binding, atomically across instances; undefined when
   * the session is gone or has no binding. A `return` or `release` that changed it wakes subscribers.
   */
  bind(id: string, step: BindingStep): Promise<BindingOutcome | undefined>;
  /**
   * Exchanges a one-time reference for the session, setting its stream token (and binding it to
   * `conversation`, when given). Atomic: of two
   * concurrent exchanges one gets the session, the other undefined; after that the reference is spent.
   */
  spendReference(reference: string, streamTokenDigest: string, conversation?: string): Promise<SessionRecord | undefined>;
  /** True, and recorded, when the last forwarded activity is at least `minIntervalMs` old. */
  claimActivity(id: string, minIntervalMs: number): Promise<boolean>;
  /** Records a verified result (by its replay key) until `until`; false when it was seen before: a replay. */
  claimToken(resultKey: string, until: number): Promise<boolean>;
  /** Live sessions held, for the session cap. */
  countSessions(): Promise<number>;
  /**
   * Counts one hit on `key` in a fixed window of `windowMs` (rate limits). `by` may be negative
   * to take a hit back. Shared by every process on the store.
   */
  hit(key: string, windowMs: number, by?: number): Promise<CounterState>;
  /**
   * Takes one of `max` stream slots. With `sessionId`, tells any other stream on that session to
   * end (a `stream` change). False, and nothing taken, when all slots are in use.
   */
  openStream(streamId: string, max: number, sessionId?: string): Promise<boolean>;
  /**
   * Takes one of `max` stream slots and one of `group.max` slots of the group (e.g. one
   * conversation's employee streams): both or neither, atomically across instances.
   * `group_full` or `full` (all slots) when refused, with nothing taken.
   */
  openGroupStream(streamId: string, max: number, group: StreamGroup): Promise<'opened' | 'full' | 'group_full'>;
  /** Gives the slot back (and its group slot); the stream has ended. */
  closeStream(streamId: string): Promise<void>;
  /** Calls `listener` on this session's changes, in any process; returns the unsubscribe. */
  subscribe(id: string, listener: (change: SessionChange) => void): () => void;

  /**
   * Sets a login's identity in its conversation (new or changed) and tells the conversation's
   * subscribers. Verified attributes are deleted at `record.until`; the record itself is
   * dropped `keepMs` after this change. Forgetting is final: an identity held as `forgotten` is
   * left as it is, nobody is told, and the answer is false (true when the change was made).
   */
  putIdentity(record: IdentityRecord, keepMs: number): Promise<boolean>;
  /** The conversation's identities, oldest first; attributes past their `until` are gone. */
  listIdentities(conversation: string): Promise<IdentityRecord[]>;
  /**
   * The employee is done: every identity becomes `forgotten`, without attributes, kept `keepMs`
   * or, if longer, until its `until` (a waiting login's result can come no later). Returns each
   * identity of the conversation as it now is, and whether this call forgot it (`changed`) or
   * an earlier one had.
   */
  forgetConversation(conversation: string, keepMs: number): Promise<ForgetOutcome[]>;
  /** Calls `listener` with every identity that changes in the conversation, in any process. */
  subscribeConversation(conversation: string, listener: (record: IdentityRecord) => void): () => void;

  /**
   * Makes `record` (pending) the conversation's request, unless a pending one that has not
   * lapsed is there: then `exists`, and nothing changes. Atomic across instances. The record is
   * kept `keepMs`; subscribers of the conversation's requests are told.
   */
  openRequest(record: RequestRecord, keepMs: number): Promise<'opened' | 'exists'>;
  /** The conversation's latest request (pending, settled or lapsed), while it is kept. */
  getRequest(conversation: string): Promise<RequestRecord | undefined>;
  /**
   * Settles the conversation's request `id` if it is still pending and has not lapsed at `now`,
   * atomically; tells subscribers. The settled record, or undefined when nothing changed.
   */
  settleRequest(conversation: string, id: string, settlement: RequestSettlement, now: number): Promise<RequestRecord | undefined>;
  /** Calls `listener` with the conversation's request each time it is opened or settled, in any process. */
  subscribeRequests(conversation: string, listener: (record: RequestRecord) => void): () => void;

  /** Resolves when the store answers (a shared one may be out of reach); for /readyz. */
  ping?(): Promise<void>;
  /** A shared store calls `listener` when it loses its connection, so open streams end; returns what stops that. */
  onUnavailable?(listener: () => void): () => void;
  close(): Promise<void>;
}
