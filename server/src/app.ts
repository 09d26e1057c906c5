/**
 * The backend as a Hono app: `createApp(config, deps)`. Route modules are
 * mounted here; `main.ts` only reads the config and serves.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { routePath } from 'hono/route';
import type { Config } from './config.ts';
import type { AppContext, Deps } from './context.ts';
import { createCoreClient } from './core-client.ts';
import { errorResponse } from './errors.ts';
import { consoleLogger } from './logger.ts';
import { attributesRoutes } from './routes/attributes.ts';
import { eventsRoutes } from './routes/events.ts';
import { returnPageRoutes } from './routes/return-page.ts';
import { sessionOptionsRoutes } from './routes/session-options.ts';
import { sessionsRoutes } from './routes/sessions.ts';
import { widgetRoutes } from './routes/widget.ts';
import { MemorySessionStore } from './store/memory-store.ts';
import { createFeedbackSender } from './session-feedback.ts';
import { attachRoutes } from './routes/attach.ts';
import { sessionFeedbackRoutes } from './routes/session-feedback.ts';
import { startCommunicationRoutes } from './routes/start-communication.ts';

export function createDeps(config: Config, overrides: Partial<Deps> = {}): Deps {
  const logger = overrides.logger ?? consoleLogger;
  return {
    store: overrides.store ?? new MemorySessionStore(),
    core: overrides.core ?? createCoreClient(config),
    logger,
    sendFeedback: overrides.sendFeedback ?? createFeedbackSender(logger),
    activityIntervalMs: overrides.activityIntervalMs ?? 60_000,
    now: overrides.now ?? (() => new Date()),
    heartbeatMs: overrides.heartbeatMs ?? 15_000,
    optionsCacheMs: overrides.optionsCacheMs ?? 60_000,
  };
}

export function createApp(config: Config, overrides: Partial<Deps> = {}): Hono {
  const deps = createDeps(config, overrides);
  const context: AppContext = { config, deps };
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    // The route pattern, never the path: paths carry session ids and attr ids.
    deps.logger.info('request', {
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });

  const browserCors = cors({
    origin: (origin) => (config.allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID'],
    maxAge: 600,
  });
  app.use('/session_options/*', browserCors);
  app.use('/sessions', browserCors);
  app.use('/sessions/*', browserCors);

  app.route('/session_options', sessionOptionsRoutes(context));
  app.route('/sessions', sessionsRoutes(context));
  app.route('/sessions', attachRoutes(context));
  app.route('/sessions', eventsRoutes(context));
  app.route('/sessions', sessionFeedbackRoutes(context));
  app.route('/start_communication', startCommunicationRoutes(context));
  app.route('/attributes', attributesRoutes(context));
  app.route('/return', returnPageRoutes(context));
  app.route('/', widgetRoutes(context));
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }));

  app.notFound((c) => errorResponse(c, 404, 'not_found', 'no such endpoint'));
  app.onError((error, c) => {
    deps.logger.error('unhandled error', { route: routePath(c, -1), error: error.name });
    return errorResponse(c, 500, 'internal_error', 'something went wrong on our side');
  });
  return app;
}
