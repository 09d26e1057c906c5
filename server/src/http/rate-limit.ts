/**
 * Rate limits on what anonymous browsers can make the backend do: session
 * starts (`POST /sessions`, attach, and session options that reach the core)
 * per client address per minute, answered 429 with Retry-After.
 *
 * hono-rate-limiter does the middleware and the headers; its counters are the
 * SessionStore's, so every instance on a shared store counts together.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter, type Store } from 'hono-rate-limiter';
import { clientAddress } from './client-address.ts';
import type { AppContext } from '../context.ts';
import { errorResponse } from './errors.ts';
import type { SessionStore } from '../store/session-store.ts';

const MINUTE_MS = 60_000;

/** hono-rate-limiter's store interface over SessionStore.hit. */
class StoreCounters implements Store {
  private windowMs = MINUTE_MS;
  constructor(
    private readonly store: SessionStore,
    readonly prefix: string,
  ) {}
  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }
  async increment(key: string) {
    const { count, resetAt } = await this.store.hit(`${this.prefix}${key}`, this.windowMs);
    return { totalHits: count, resetTime: new Date(resetAt) };
  }
  async decrement(key: string): Promise<void> {
    await this.store.hit(`${this.prefix}${key}`, this.windowMs, -1);
  }
  async resetKey(): Promise<void> {
    // Never needed here: counts end with their window.
  }
}

/**
 * One limiter for all session starts from an address. `skip` lets a route not count a
 * request that costs nothing (a cached answer).
 */
export function sessionStartLimit({ config, deps }: AppContext, skip?: (c: Context) => boolean): MiddlewareHandler {
  return rateLimiter({
    windowMs: MINUTE_MS,
    limit: config.sessionsPerMinute,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => clientAddress(c, config.trustProxy),
    store: new StoreCounters(deps.store, 'starts:'),
    skip: skip ?? (() => false),
    handler: (c) => {
      deps.logger.warn('rate limited', { route: c.req.routePath });
      deps.metrics.rateLimited.inc({ route: c.req.routePath });
      return errorResponse(c, 429, 'rate_limited', 'too many new sessions from this address; try again in a minute');
    },
  });
}
