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
import { consoleLogger } from './logger.ts';
import { serveApp, type RunningServer } from './serve.ts';
import { redisLocation } from './store/store-from-config.ts';

/** Requests in flight get this long after a stop signal; the whole stop stays under 10 s. */
const DRAIN_MS = 8_000;
const STOP_LIMIT_MS = 9_500;

// Variables already in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');

// A stray rejection (a bug, never input) is logged, by name only, instead of ending every chat.
process.on('unhandledRejection', (reason) => {
  consoleLogger.error('unhandled rejection', { error: reason instanceof Error ? reason.name : typeof reason });
});

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}

const shutdown = new AbortController();
const deps = createDeps(config, { shutdown: shutdown.signal });
let running: RunningServer;
try {
  running = await serveApp(createApp(config, deps), { port: config.port, host: config.host });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'may not be used by this user' : 'is not an address of this machine';
    console.error(`Cannot listen on ${config.host}:${config.port}: it ${why}. Set PORT (and HOST) to a free one.`);
    process.exit(1);
  }
  throw error;
}
console.log(`id-contact backend listening on ${running.url} (public URL ${config.publicUrl})`);

// An unreachable Redis at start-up does not stop the process: it keeps trying (the client
// reconnects by itself), /readyz answers 503 meanwhile, and requests needing the store get 503.
const redis = config.redis;
if (redis) {
  deps.store.ping?.().then(
    () => console.log(`store: Redis at ${redisLocation(redis.url)} (prefix ${redis.prefix})`),
    () =>
      console.error(
        `Cannot reach Redis at IDC_REDIS_URL (${redisLocation(redis.url)}). Still trying; /readyz answers 503 until it answers.`,
      ),
  );
} else {
  console.log('store: in memory (one process; set IDC_REDIS_URL to run several instances)');
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  consoleLogger.info('shutting down', { signal });
  setTimeout(() => {
    consoleLogger.error('shutdown took too long', { signal });
    process.exit(1);
  }, STOP_LIMIT_MS).unref();
  shutdown.abort();
  await running.drain(DRAIN_MS);
  await deps.webhooks?.close?.();
  await deps.store.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
