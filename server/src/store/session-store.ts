/**
 * Sessions and the wake-up of their streams, behind one small interface.
 *
 * Everything outside a store implementation treats it as shared and remote
 * (a Redis implementation will follow): all calls are async, state changes
 * are atomic inside the store, and a stream learns of a result only through
 * `subscribe`, never through shared memory.
 */
import type { VerifiedResult } from '../protocol.ts';

export interface SessionRecord {
  id: string;
  purpose: string;
  authMethod?: string;
  /** Where the return page sends a user who did not come in a popup. */
  returnUrl?: string;
  /** Digest of the stream capability token (see secrets.ts). */
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
}

export type AttachOutcome = 'attached' | 'already_has_result' | 'not_found';

export type SessionChange = { type: 'result' } | { type: 'deleted' };

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
   * Exchanges a one-time reference for the session, setting its stream token. Atomic: of two
   * concurrent exchanges one gets the session, the other undefined; after that the reference is spent.
   */
  spendReference(reference: string, streamTokenDigest: string): Promise<SessionRecord | undefined>;
  /** True, and recorded, when the last forwarded activity is at least `minIntervalMs` old. */
  claimActivity(id: string, minIntervalMs: number): Promise<boolean>;
  /** Records a result token (by digest) until `until`; false when it was seen before: a replay. */
  claimToken(tokenDigest: string, until: number): Promise<boolean>;
  /** Calls `listener` on this session's changes, in any process; returns the unsubscribe. */
  subscribe(id: string, listener: (change: SessionChange) => void): () => void;
  close(): Promise<void>;
}
