/**
 * Refuses browser requests from pages not on a list of origins
 * (IDC_ALLOWED_ORIGINS, or IDC_AGENT_ORIGINS for /agent/*). CORS alone
 * only hides answers from such pages; this stops the request itself.
 * Requests without an Origin (server to server, tests) pass.
 *
 * `unlistedOriginLog` and `noteUnlistedOrigin` tell the operator about such
 * pages (a site missing from the list is the usual cause of a widget that
 * "does nothing"), rate-limited, naming the origin only.
 */
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';
import type { Logger } from '../observability/logger.ts';

/** `variable` is the list's name, so the refusal tells the operator which list to add the site to. */
export function allowedOriginOnly(allowedOrigins: readonly string[], variable = 'IDC_ALLOWED_ORIGINS'): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    if (origin !== undefined && !allowedOrigins.includes(origin)) {
      return errorResponse(c, 403, 'origin_not_allowed', `this site is not allowed to use this backend (${variable})`);
    }
    await next();
  };
}

/** How often one origin is logged at most, and how many origins are remembered for that. */
export const UNLISTED_ORIGIN_LOG_INTERVAL_MS = 60_000;
export const UNLISTED_ORIGIN_LOG_MAX_ORIGINS = 100;

/** `scheme://host[:port]` of an Origin header; anything else (`null`, junk) as one fixed word. */
function originOnly(header: string): string {
  if (!URL.canParse(header)) return '(not an origin)';
  const { origin } = new URL(header);
  return origin === 'null' ? '(not an origin)' : origin;
}

export interface UnlistedOriginLogOptions {
  logger: Logger;
  /** Milliseconds, like Date.now. */
  now?: () => number;
  intervalMs?: number;
  maxOrigins?: number;
}

/**
 * Notes browser requests from origins not on a list, for the operator: a warning at most once
 * per `intervalMs` per origin, naming the origin (scheme, host, port: never a path) and the
 * variable to add it to. At most `maxOrigins` origins are remembered; when that many were
 * logged within the interval, further new origins are only counted, and the count is given
 * with the next warning: neither the memory nor the log grows with a flood of made-up origins.
 */
export function unlistedOriginLog({
  logger,
  now = Date.now,
  intervalMs = UNLISTED_ORIGIN_LOG_INTERVAL_MS,
  maxOrigins = UNLISTED_ORIGIN_LOG_MAX_ORIGINS,
}: UnlistedOriginLogOptions): (header: string, variable: string) => void {
  const lastLogged = new Map<string, number>();
  let suppressed = 0;
  return (header, variable) => {
    const origin = originOnly(header);
    const key = `${variable} ${origin}`;
    const at = now();
    const last = lastLogged.get(key);
    if (last !== undefined && at - last < intervalMs) return;
    if (last === undefined && lastLogged.size >= maxOrigins) {
      // Oldest first: drop those whose interval has passed, up to the first that has not.
      for (const [known, when] of lastLogged) {
        if (at - when < intervalMs) break;
        lastLogged.delete(known);
      }
      if (lastLogged.size >= maxOrigins) {
        suppressed++;
        return;
      }
    }
    lastLogged.delete(key); // re-inserted last: the map stays in order of logging
    lastLogged.set(key, at);
    logger.warn(`browser request from an origin not on ${variable} (add it there if it is a site of yours)`, {
      origin,
      ...(suppressed ? { other_origins_not_logged: suppressed } : {}),
    });
    suppressed = 0;
  };
}

/** Lets every request through; one from a page on an origin not in `allowedOrigins` is noted. */
export function noteUnlistedOrigin(
  allowedOrigins: readonly string[],
  variable: string,
  note: (origin: string, variable: string) => void,
): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    if (origin !== undefined && !allowedOrigins.includes(origin)) note(origin, variable);
    await next();
  };
}
