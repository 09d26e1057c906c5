/**
 * The backend as a Hono app: `createApp(config, deps)`. Route modules are
 * mounted here; `main.ts` only reads the config and serves.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { routePath } from 'hono/route';
import type { Config } from './config.ts';
import type { AppContext, Deps } from './context.ts';
import { createCoreClient } from './upstream/core-client.ts';
import { createIdentityFeed } from './conversation/identity-feed.ts';
import { createVerificationRequests } from './conversation/verification-requests.ts';
import { sessionOptionsCache } from './upstream/session-options-cache.ts';
import { WebhookSender } from './webhook/webhook-sender.ts';
import { errorResponse } from './http/errors.ts';
import { consoleLogger } from './observability/logger.ts';
import { createMetrics, instrumentCore } from './observability/metrics.ts';
import { createAuditLog } from './observability/audit-log.ts';
import { requestLog } from './http/request-log.ts';
import { BodyAbortedError, BodyTooLargeError } from './http/request-body.ts';
import { allowedOriginOnly, noteUnlistedOrigin, unlistedOriginLog } from './http/allowed-origin.ts';
import { agentRoutes } from './routes/agent.ts';
import { agentRequestsRoutes } from './routes/agent-requests.ts';
import { residentRequestsRoutes } from './routes/resident-requests.ts';
import { attributesRoutes } from './routes/attributes.ts';
import { eventsRoutes } from './routes/sessions-events.ts';
import { returnPageRoutes } from './routes/return.ts';
import { launchRoutes } from './routes/launch.ts';
import { sessionOptionsRoutes } from './routes/session-options.ts';
import { sessionsRoutes } from './routes/sessions.ts';
import { widgetRoutes } from './routes/widget.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { WIDGET_MISSING_MESSAGE, widgetBundleStatus } from './http/widget-bundles.ts';
import { storeFromConfig, webhookOutboxFor } from './store/store-from-config.ts';
import { StoreDataError, StoreUnavailableError } from './store/store-errors.ts';
import { Deadlines, Heartbeats } from './streams/stream-timers.ts';
import { createFeedbackSender } from './upstream/feedback-sender.ts';
import { attachRoutes } from './routes/sessions-attach.ts';
import { sessionFeedbackRoutes } from './routes/sessions-feedback.ts';
import { sessionStatusRoutes } from './routes/sessions-status.ts';
import { startCommunicationRoutes } from './routes/start-communication.ts';
import type { Health, Readiness } from './protocol.ts';

/** What a 503 for an unreachable store tells clients to wait. */
const STORE_RETRY_AFTER_SECONDS = 5;

export function createDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const logger = overrides.logger ?? consoleLogger;
  const store = overrides.store ?? storeFromConfig(config, logger);
  const metrics = overrides.metrics ?? createMetrics();
  metrics.observeSessions(() => store.countSessions());
  const now = overrides.now ?? (() => new Date());
  return {
    store,
    core: instrumentCore(overrides.core ?? createCoreClient(config), metrics),
    logger,
    metrics,
    sendFeedback: overrides.sendFeedback ?? createFeedbackSender(logger),
    activityIntervalMs: overrides.activityIntervalMs ?? 60_000,
    now,
    heartbeatMs: overrides.heartbeatMs ?? 15_000,
    optionsCacheMs: overrides.optionsCacheMs ?? 60_000,
    webhooks: overrides.webhooks ?? (config.webhook ? new WebhookSender({ ...config.webhook, logger, metrics, outbox: webhookOutboxFor(store) }) : undefined),
    // A file is opened here: one that cannot be appended to stops the start (ConfigError).
    audit: overrides.audit ?? createAuditLog(config.auditLog, { logger, metrics, now }),
    shutdown: overrides.shutdown ?? new AbortController().signal,
  };
}

export function createApp(config: Config, overrides: Partial<Deps> = {}): Hono {
  const deps = createDeps(config, overrides);
  const context: AppContext = {
    config,
    deps,
    // Names are peeked in the cache the routes fill: recording an identity never calls the core.
    identities: createIdentityFeed({ config, deps, purposeName: (purpose) => sessionOptionsCache(context).peek(purpose)?.name }),
    audit: deps.audit,
    requests: createVerificationRequests({ config, deps }),
    streams: { heartbeats: new Heartbeats(deps.heartbeatMs), deadlines: new Deadlines() },
  };
  const app = new Hono();

  app.use(requestLog(deps));

  // A page not on the lists is logged (rate-limited, origin only), before CORS answers its preflight.
  const noteUnlisted = unlistedOriginLog({ logger: deps.logger, now: () => deps.now().getTime() });
  const unlistedSite = noteUnlistedOrigin(config.allowedOrigins, 'IDC_ALLOWED_ORIGINS', noteUnlisted);
  app.use('/session_options/*', unlistedSite);
  app.use('/sessions', unlistedSite);
  app.use('/sessions/*', unlistedSite);
  app.use('/requests/*', unlistedSite);
  app.use('/agent/*', noteUnlistedOrigin(config.agentOrigins, 'IDC_AGENT_ORIGINS', noteUnlisted));

  const browserCors = cors({
    origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID'],
    maxAge: 600,
  });
  app.use('/session_options/*', browserCors);
  app.use('/sessions', browserCors);
  app.use('/sessions/*', browserCors);
  app.use('/requests/*', browserCors);
  // The resident's requests: only the listed sites' pages (a ticket is in the header, never the URL).
  app.use('/requests/*', allowedOriginOnly(config.allowedOrigins));
  app.use(
    '/agent/*',
    cors({
      origin: (origin) => (config.agentOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
      maxAge: 600,
    }),
  );
  // A page that is no agent console gets nothing, not even a refusal it can read.
  app.use('/agent/*', allowedOriginOnly(config.agentOrigins, 'IDC_AGENT_ORIGINS'));

  app.route('/session_options', sessionOptionsRoutes(context));
  app.route('/sessions', sessionsRoutes(context));
  app.route('/sessions', attachRoutes(context));
  app.route('/sessions', eventsRoutes(context));
  app.route('/sessions', sessionFeedbackRoutes(context));
  app.route('/sessions', sessionStatusRoutes(context));
  app.route('/start_communication', startCommunicationRoutes(context));
  app.route('/attributes', attributesRoutes(context));
  app.route('/agent', agentRoutes(context));
  app.route('/agent', agentRequestsRoutes(context));
  app.route('/requests', residentRequestsRoutes(context));
  app.route('/launch', launchRoutes(context));
  app.route('/return', returnPageRoutes(context));
  app.route('/', widgetRoutes(context));
  app.route('/', openApiRoutes(context));
  // Liveness: the process answers (and says whether the widget bundle is there). Readiness: it can
  // also reach the store and serve the widget (for load balancers).
  app.get('/healthz', async (c) => {
    const { widget } = await widgetBundleStatus(config);
    return c.json({ status: 'ok', widget } satisfies Health, 200, { 'Cache-Control': 'no-store' });
  });
  app.get('/readyz', async (c) => {
    const [storeUp, { widget }] = await Promise.all([
      Promise.resolve().then(() => deps.store.ping?.()).then(() => true, () => false),
      widgetBundleStatus(config),
    ]);
    if (storeUp && widget === 'ok') return c.json({ status: 'ready' } satisfies Readiness, 200, { 'Cache-Control': 'no-store' });
    if (widget === 'ok') {
      return c.json({ status: 'unavailable' } satisfies Readiness, 503, { 'Cache-Control': 'no-store', 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) });
    }
    // A missing build does not pass by waiting: no Retry-After.
    const body: Readiness = { status: 'unavailable', ...(storeUp ? {} : { store: 'unavailable' }), widget, message: WIDGET_MISSING_MESSAGE };
    return c.json(body, 503, { 'Cache-Control': 'no-store' });
  });

  app.notFound((c) => errorResponse(c, 404, 'not_found', 'no such endpoint'));
  app.onError((error, c) => {
    if (error instanceof BodyTooLargeError) {
      // Whatever is still on its way is not read: the connection closes after this answer.
      c.header('Connection', 'close');
      return errorResponse(c, 413, 'payload_too_large', `the request body is over ${error.limit} bytes`);
    }
    if (error instanceof BodyAbortedError) {
      deps.logger.info('request aborted', { route: routePath(c, -1) });
      return errorResponse(c, 400, 'request_aborted', 'the request body was not complete');
    }
    if (error instanceof StoreUnavailableError || error instanceof StoreDataError) {
      // Redis away (or a record this instance cannot open): not the client's fault, and it passes.
      deps.logger.warn('store unavailable', { route: routePath(c, -1), error: error.name });
      c.header('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
      return errorResponse(c, 503, 'store_unavailable', 'the service is briefly unavailable; try again shortly');
    }
    deps.logger.error('unhandled error', { route: routePath(c, -1), error: error.name });
    return errorResponse(c, 500, 'internal_error', 'something went wrong on our side');
  });
  return app;
}
