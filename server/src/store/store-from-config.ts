/**
 * Which store the configuration asks for: the in-memory one for a single
 * process (the default, and the demo's), or Redis when IDC_REDIS_URL is set,
 * so that every instance on it shares sessions, results, replay records,
 * counters, conversations, identities and pending webhooks.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import type { WebhookOutbox } from '../webhook/outbox.ts';
import { MemorySessionStore } from './memory-store.ts';
import { RedisSessionStore } from './redis/redis-store.ts';
import type { SessionStore } from './session-store.ts';

export function storeFromConfig(config: Config, logger: Logger): SessionStore {
  if (!config.redis) return new MemorySessionStore();
  return new RedisSessionStore({ url: config.redis.url, prefix: config.redis.prefix, key: config.storeKey, logger });
}

/** Pending webhooks live where the sessions do: with Redis, another instance delivers what a stopped one left. */
export function webhookOutboxFor(store: SessionStore): WebhookOutbox | undefined {
  return store instanceof RedisSessionStore ? store.webhookOutbox() : undefined;
}

/** Where a Redis URL points, for messages: scheme, host and port, never the password. */
export function redisLocation(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
