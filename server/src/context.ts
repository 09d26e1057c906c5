/**
 * What every route module receives: the validated config and the app's
 * dependencies (store, core client, logger, clocks), so tests can swap any.
 */
import type { Config } from './config.ts';
import type { IdentityFeed, WebhookPublisher } from './conversation/identity-feed.ts';
import type { CoreClient } from './upstream/core-client.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { FeedbackSender } from './upstream/feedback-sender.ts';
import type { SessionStore } from './store/session-store.ts';
import type { Deadlines, Heartbeats } from './streams/stream-timers.ts';

export interface Deps {
  store: SessionStore;
  core: CoreClient;
  logger: Logger;
  /** Prometheus instruments (one registry per app unless shared): see observability/metrics.ts. */
  metrics: Metrics;
  /** Clock for result verification (exp/iat). */
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

export interface AppContext {
  config: Config;
  deps: Deps;
  /** Records identity changes for the employee's side and its webhook. */
  identities: IdentityFeed;
  /** The shared timers of every open event stream of this app. */
  streams: { heartbeats: Heartbeats; deadlines: Deadlines };
}
