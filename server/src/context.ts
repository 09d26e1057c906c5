/**
 * What every route module receives: the validated config and the app's
 * dependencies (store, core client, logger, clocks), so tests can swap any.
 */
import type { Config } from './config.ts';
import type { CoreClient } from './upstream/core-client.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { FeedbackSender } from './upstream/feedback-sender.ts';
import type { SessionStore } from './store/session-store.ts';
import type { Deadlines, Heartbeats } from './streams/stream-timers.ts';
import type { VerifiedResult, WebhookEventType } from './protocol.ts';
import type { IdentityRecord, RequestRecord, SessionRecord } from './store/session-store.ts';

export interface Deps {
  store: SessionStore;
  core: CoreClient;
  logger: Logger;
  /** Prometheus instruments (one registry per app unless shared): see observability/metrics.ts. */
  metrics: Metrics;
  /** The app's one clock: routes and domain modules read the time here (result verification's exp/iat too). */
  now: () => Date;
  /** Interval of the `: heartbeat` comment on session streams. */
  heartbeatMs: number;
  /** How long session options from the core are reused. */
  optionsCacheMs: number;
  /** Sends user_active/logout to a session_url; bounded and never throwing. */
  sendFeedback: FeedbackSender;
  /** Least time between two user_active calls for one session. */
  activityIntervalMs: number;
  /** Signed webhooks of identity changes, when IDC_WEBHOOK_URL is set. */
  webhooks?: WebhookPublisher & { close?(): Promise<void> };
  /** Aborted when the process shuts down: open streams end, so their clients reconnect elsewhere. */
  shutdown: AbortSignal;
}

// Declared here, not beside their implementations, so that what the context holds imports the context, not the other way round.
/** Sends an identity change as a webhook; fire and forget. */
export interface WebhookPublisher {
  /** `conversation`: the data carries that conversation's attributes, so cancelConversation drops it while queued. */
  send(type: WebhookEventType, data: object, options?: { conversation?: string }): void;
  /** Drops queued deliveries that carry the conversation's attributes; resolves with how many. */
  cancelConversation(conversation: string): Promise<number>;
}

export interface IdentityFeed {
  /** A session bound to a conversation exists: the employee sees a login under way. */
  started(session: SessionRecord): Promise<void>;
  /** A result was accepted for the session. */
  resolved(session: SessionRecord, result: VerifiedResult): Promise<void>;
  /** The resident logged out. */
  loggedOut(session: SessionRecord): Promise<void>;
  /** The login ended in another browser before its result was released: shown as failed, with why. */
  refused(session: SessionRecord): Promise<void>;
  /** The login ended in another browser after its result was released: the identity is taken back. */
  withdrawn(session: SessionRecord): Promise<void>;
  /** The login never got going (the core refused to start it): shown as expired. */
  ended(session: SessionRecord): Promise<void>;
  /**
   * The employee forgot the conversation (the store has made `records` forgotten): each is told
   * as identity.forgotten, and queued webhooks carrying the conversation's attributes are dropped.
   */
  forgotten(conversation: string, records: IdentityRecord[]): Promise<void>;
}

/**
 * One look at the employee's side, for the audit log (observability/audit-log.ts): who (the host
 * ticket's `agent`, or "unknown"), which conversation and identity, what, and how it went. Never
 * an attribute value or anything else of the resident.
 */
export interface AuditEntry {
  /** `identities.read` (GET /agent/identities, per identity), `identity.streamed` (each identity an
   * /agent/events stream delivers), `identities.forget` (per identity), `request.create`,
   * `access.denied` (a refused ticket). */
  action: 'identities.read' | 'identity.streamed' | 'identities.forget' | 'request.create' | 'access.denied';
  /** The host ticket's `agent` claim; undefined: "unknown". */
  agent?: string;
  conversation?: string;
  /** The identity (Identity.id) or request id the look was at. */
  identity?: string;
  /** What was seen or done: the identity's status as shown (`verified` means its attributes were
   * shown), `forgotten`, `created`, or an error code. */
  outcome: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** The conversation's requests to verify (conversation/verification-requests.ts). */
export interface VerificationRequests {
  /** A login started in the conversation: its pending request for `purpose`, if any, is `started`. */
  loginStarted(conversation: string, purpose: string, identityId: string): Promise<void>;
  /** Opens a request for `purpose` (one the core knows); `exists` while another is pending. */
  open(conversation: string, purpose: string, purposeName: string | undefined): Promise<RequestRecord | 'exists'>;
  /** The resident declines the conversation's request `id`: the settled record, or why not. */
  decline(conversation: string, id: string): Promise<RequestRecord | 'unknown' | 'not_pending'>;
}

export interface AppContext {
  config: Config;
  deps: Deps;
  /** Records identity changes for the employee's side and its webhook. */
  identities: IdentityFeed;
  /** Every look at identities on the employee's side. */
  audit: AuditLog;
  /** Employees' requests to verify. */
  requests: VerificationRequests;
  /** The shared timers of every open event stream of this app. */
  streams: { heartbeats: Heartbeats; deadlines: Deadlines };
}
