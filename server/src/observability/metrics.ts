/**
 * Every Prometheus instrument of the backend, in one registry per
 * `createMetrics()` (tests get a fresh one), served by `metricsApp` on a
 * listener of its own (`IDC_METRICS_PORT`), never on the public one.
 *
 * Labels hold only what is bounded and says nothing about a person: route
 * patterns, methods, status and error codes, how a result came, webhook
 * types. Never ids, paths with ids, purposes from requests, or attributes.
 */
import { Hono } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CoreClient } from '../upstream/core-client.ts';

export interface Metrics {
  registry: Registry;
  /** Every answered request, by method, route pattern and status. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** Results verified and attached, by how they came (attr_url, return page, start, attach) and status (succes, failed). */
  resultsAccepted: Counter<'via' | 'status'>;
  /** Results refused, by how they came and the error code answered. */
  resultsRefused: Counter<'via' | 'error'>;
  /** Returns to the comm_url: `own` (the browser that started the login) or `foreign` (any other). */
  loginReturns: Counter<'browser'>;
  /** Results released, or refused or withdrawn after a foreign return (`released`, `refused`, `withdrawn`). */
  bindingOutcomes: Counter<'outcome'>;
  /** Event streams open in this process: `resident` (a widget's session) or `agent` (an employee's console). */
  streamsOpen: Gauge<'kind'>;
  /** Calls to the ID Contact core, by operation and outcome (ok or the error's kind). */
  coreCallSeconds: Histogram<'operation' | 'outcome'>;
  /** Calls to the core that failed, by operation and kind (busy, unknown_purpose, error, internal). */
  coreCallErrors: Counter<'operation' | 'error'>;
  /** Webhook attempts: delivered, failed (to be retried), given_up; and not_sent (never queued). */
  webhookDeliveries: Counter<'type' | 'outcome'>;
  /** Session starts and status polls refused with 429, by route pattern. */
  rateLimited: Counter<'route'>;
  /** Requests that ended in a store error (unavailable, unreadable record), by the error's name. */
  storeErrors: Counter<'error'>;
  /** Audit records written (observability/audit-log.ts), by action and outcome class (a fixed list, else `other`). */
  auditRecords: Counter<'action' | 'outcome_class'>;
  /** Where the `idc_sessions_live` gauge reads from (the store's count); set by createDeps. */
  observeSessions(count: () => Promise<number>): void;
}

export interface MetricsOptions {
  /** prom-client's process metrics: CPU, memory, event-loop delay, GC. Off by default (tests make many registries). */
  defaultMetrics?: boolean;
}

/** Methods a label may carry; anything else a client invents counts as OTHER. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

export function createMetrics({ defaultMetrics = false }: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'idc_' });
  const registers = [registry];

  let countSessions: (() => Promise<number>) | undefined;
  const storeErrors = new Counter({
    name: 'idc_store_errors_total',
    help: 'Requests that ended in a session store error (unavailable or unreadable), by error name',
    labelNames: ['error'] as const,
    registers,
  });
  new Gauge({
    name: 'idc_sessions_live',
    help: 'Sessions in the store (waiting for a result, or kept for its stream, logout or the employee)',
    registers,
    async collect() {
      if (!countSessions) return;
      try {
        this.set(await countSessions());
      } catch (error) {
        // The scrape still answers; the gauge keeps its last value.
        storeErrors.inc({ error: error instanceof Error ? error.name : 'Error' });
      }
    },
  });

  return {
    registry,
    httpRequests: new Counter({
      name: 'idc_http_requests_total',
      help: 'Requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    resultsAccepted: new Counter({
      name: 'idc_results_accepted_total',
      help: 'Authentication results verified and attached to their session, by how they came and their status',
      labelNames: ['via', 'status'] as const,
      registers,
    }),
    resultsRefused: new Counter({
      name: 'idc_results_refused_total',
      help: 'Authentication results refused, by how they came and the error code answered',
      labelNames: ['via', 'error'] as const,
      registers,
    }),
    loginReturns: new Counter({
      name: 'idc_login_returns_total',
      help: 'Returns to the comm_url: own (in the browser that started the login) or foreign (in any other)',
      labelNames: ['browser'] as const,
      registers,
    }),
    bindingOutcomes: new Counter({
      name: 'idc_binding_outcomes_total',
      help: 'Results released to the conversation, or refused or withdrawn because the login ended in another browser',
      labelNames: ['outcome'] as const,
      registers,
    }),
    streamsOpen: new Gauge({
      name: 'idc_streams_open',
      help: 'Event streams open in this process: resident (widget) or agent (employee console)',
      labelNames: ['kind'] as const,
      registers,
    }),
    coreCallSeconds: new Histogram({
      name: 'idc_core_call_duration_seconds',
      help: 'Calls to the ID Contact core, by operation and outcome (ok, or the kind of error)',
      labelNames: ['operation', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    coreCallErrors: new Counter({
      name: 'idc_core_call_errors_total',
      help: 'Calls to the ID Contact core that failed, by operation and kind (busy, unknown_purpose, error, internal)',
      labelNames: ['operation', 'error'] as const,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'idc_webhook_deliveries_total',
      help: 'Webhook attempts by type and outcome: delivered, failed (retried later), given_up, not_sent',
      labelNames: ['type', 'outcome'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'idc_rate_limited_total',
      help: 'Session starts and session status polls refused with 429 rate_limited, by route pattern',
      labelNames: ['route'] as const,
      registers,
    }),
    auditRecords: new Counter({
      name: 'idc_audit_records_total',
      help: 'Audit records of looks at identities on the employee\'s side, by action and outcome class',
      labelNames: ['action', 'outcome_class'] as const,
      registers,
    }),
    storeErrors,
    observeSessions(count) {
      countSessions = count;
    },
  };
}

/** Core errors by kind, from their class names (no message, no status text). */
function coreOutcome(error: unknown): string {
  if (!(error instanceof Error)) return 'error';
  switch (error.name) {
    case 'CoreBusyError':
      return 'busy';
    case 'UnknownPurposeError':
      return 'unknown_purpose';
    case 'CoreError':
      return 'error';
    default:
      return 'internal';
  }
}

const instrumented = new WeakSet<CoreClient>();

/** The core client with each call timed into `idc_core_call_duration_seconds`. Wrapping twice is a no-op. */
export function instrumentCore(core: CoreClient, metrics: Metrics): CoreClient {
  if (instrumented.has(core)) return core;
  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const end = metrics.coreCallSeconds.startTimer({ operation });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      const outcome = coreOutcome(error);
      end({ outcome });
      metrics.coreCallErrors.inc({ operation, error: outcome });
      throw error;
    }
  };
  const wrapped: CoreClient = {
    sessionOptions: (purpose) => timed('session_options', () => core.sessionOptions(purpose)),
    start: (request) => timed('start', () => core.start(request)),
  };
  instrumented.add(wrapped);
  return wrapped;
}

/** `GET /metrics` in the Prometheus text format; everything else 404. For the metrics listener only. */
export function metricsApp(metrics: Metrics): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }),
  );
  app.notFound((c) => c.text('not found', 404));
  return app;
}
