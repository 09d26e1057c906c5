/** `npm run server`: read the configuration from the environment (and `.env`, if there is one) and serve. */
import { existsSync } from 'node:fs';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { consoleLogger } from './logger.ts';
import { serveApp } from './serve.ts';

// Variables already in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');

// A stray rejection (a bug, never input) is logged, by name only, instead of ending every chat.
process.on('unhandledRejection', (reason) => {
  consoleLogger.error('unhandled rejection', { error: reason instanceof Error ? reason.name : typeof reason });
});

try {
  const config = loadConfig(process.env);
  const running = await serveApp(createApp(config), { port: config.port, host: config.host });
  console.log(`id-contact backend listening on ${running.url} (public URL ${config.publicUrl})`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
