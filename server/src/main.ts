/**
 * `npm run server`: read the configuration from the environment (and `.env`,
 * if there is one) and serve. On SIGTERM or SIGINT it shuts down gracefully:
 * no new connections, open event streams end (their clients reconnect to
 * another instance), requests in flight finish, the store closes, exit 0
 * within 10 s.
 */
import { existsSync } from 'node:fs';
import { createApp, createDeps } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { atLevel, consoleLogger, jsonLogger, type Logger } from './observability/logger.ts';
import { createMetrics, metricsApp } from './observability/metrics.ts';
import { serveApp, type RunningServer } from './http/serve.ts';
import { redisLocation } from './store/store-from-config.ts';
import { WIDGET_MISSING_MESSAGE, widgetBundleStatus } from './http/widget-bundles.ts';

/** Requests in flight get this long after a stop signal; the whole stop stays under 10 s. */
const DRAIN_MS = 8_000;
const STOP_LIMIT_MS = 9_500;

// Variables already in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');

// Until the configuration says which format: readable lines.
let logger: Logger = consoleLogger;

// A stray rejection (a bug, never input) is logged, by name only, instead of ending every chat.
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled rejection', { error: reason instanceof Error ? reason.name : typeof reason });
});

/** Reads or opens what the configuration names; a ConfigError stops the process with every problem it lists. */
function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Every problem at once, so one restart is enough.
    const { problems } = error;
    console.error(problems.length === 1 ? `Configuration error: ${problems[0]}` : `Configuration errors:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
}

const config: Config = configured(() => loadConfig(process.env));

logger = config.log.format === 'json' ? jsonLogger({ level: config.log.level }) : atLevel(consoleLogger, config.log.level);
const shutdown = new AbortController();
// Process metrics (event-loop delay, memory, GC) only when someone can read them.
const metrics = createMetrics({ defaultMetrics: config.metrics !== undefined });
// The audit log's file, if it names one, is opened here: one that cannot be written stops the start.
const deps = configured(() => createDeps(config, { shutdown: shutdown.signal, logger, metrics }));

/** Listens, or exits with one line naming the variables to change. */
async function listen(what: string, app: Parameters<typeof serveApp>[0], port: number, host: string, variables: string): Promise<RunningServer> {
  try {
    return await serveApp(app, { port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be used by this user' : 'is not an address of this machine';
      console.error(`Cannot listen${what} on ${host}:${port}: it ${why}. Set ${variables} to a free one.`);
      process.exit(1);
    }
    throw error;
  }
}

const running = await listen('', createApp(config, deps), config.port, config.host, 'PORT (and HOST)');
// Served all the same (the rest works), but no site can show the widget: say so once, with the fix
// (after listening, so a busy port stays one line; before the listening line, which tests wait for).
const bundles = await widgetBundleStatus(config);
if (bundles.widget === 'missing') {
  logger.warn(`${WIDGET_MISSING_MESSAGE}; until then /widget.js answers 404 and /readyz 503`, {
    widget_dir: config.widgetDir,
    missing: bundles.missing.join(','),
  });
}

logger.info(`id-contact backend listening on ${running.url} (public URL ${config.publicUrl})`);
// Metrics on a listener of their own (an inner address), never on the public one.
const metricsServer = config.metrics
  ? await listen(' for metrics', metricsApp(metrics), config.metrics.port, config.metrics.host, 'IDC_METRICS_PORT (and IDC_METRICS_HOST)')
  : undefined;
if (metricsServer) logger.info(`metrics at ${metricsServer.url}/metrics`);

// An unreachable Redis at start-up does not stop the process: it keeps trying (the client
// reconnects by itself), /readyz answers 503 meanwhile, and requests needing the store get 503.
const redis = config.redis;
if (redis) {
  deps.store.ping?.().then(
    () => logger.info(`store: Redis at ${redisLocation(redis.url)} (prefix ${redis.prefix})`),
    () =>
      logger.error(
        `Cannot reach Redis at IDC_REDIS_URL (${redisLocation(redis.url)}). Still trying; /readyz answers 503 until it answers.`,
      ),
  );
} else {
  logger.info('store: in memory (one process; set IDC_REDIS_URL to run several instances)');
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  setTimeout(() => {
    logger.error('shutdown took too long', { signal });
    process.exit(1);
  }, STOP_LIMIT_MS).unref();
  shutdown.abort();
  await Promise.all([running.drain(DRAIN_MS), metricsServer?.close()]);
  await deps.webhooks?.close?.();
  await deps.audit.close?.();
  await deps.store.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
