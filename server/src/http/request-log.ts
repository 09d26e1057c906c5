/**
 * The first middleware: a request id per request, one log line per answer
 * and the request counters.
 *
 * The id is taken from a well-formed incoming `X-Request-Id` (a UUID or a hex
 * string of 8 to 64 characters, as proxies make them: nginx's $request_id,
 * Envoy, Heroku) and generated otherwise; anything else in that header is
 * replaced, so it cannot carry a session id or arbitrary text into the logs.
 * It is sent back as `X-Request-Id` and carried by every log line written
 * while the request is handled (streams included).
 *
 * The line holds the method, the route pattern (never the path: paths carry
 * session ids and attr ids), the status and the time taken.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Deps } from '../context.ts';
import { withRequestId } from '../observability/logger.ts';
import { methodLabel } from '../observability/metrics.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const WELL_FORMED_REQUEST_ID = /^[0-9A-Fa-f][0-9A-Fa-f-]{7,63}$/;

/** Errors a store raises when it cannot answer (see store/store-errors.ts), by name. */
const STORE_ERRORS = new Set(['StoreUnavailableError', 'StoreDataError']);

export function requestId(incoming: string | undefined): string {
  return incoming !== undefined && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function requestLog({ logger, metrics }: Pick<Deps, 'logger' | 'metrics'>): MiddlewareHandler {
  return async (c, next) => {
    const id = requestId(c.req.header(REQUEST_ID_HEADER));
    const started = performance.now();
    // Set before the route answers: headers added to a finished answer make
    // @hono/node-server rebuild it as a full web Response (a tenth of a millisecond each).
    c.header(REQUEST_ID_HEADER, id);
    c.header('X-Content-Type-Options', 'nosniff');
    await withRequestId(id, async () => {
      await next();
      const route = routePath(c, -1);
      const method = methodLabel(c.req.method);
      const status = c.res.status;
      if (c.error && STORE_ERRORS.has(c.error.name)) metrics.storeErrors.inc({ error: c.error.name });
      metrics.httpRequests.inc({ method, route, status });
      logger.info('request', { method, route, status, ms: Math.round(performance.now() - started) });
    });
  };
}
