/**
 * Answers many routes share (a store that is away, a body over its limit, a
 * refused ticket), and `responses()`, which merges them per status: two
 * sources of a 503 become one 503 with both error codes.
 */
import type { ResponseSpec } from './operation.ts';

export type Responses = Record<number, ResponseSpec>;

export function responses(...parts: Responses[]): Responses {
  const merged: Responses = {};
  for (const part of parts) {
    for (const [key, spec] of Object.entries(part)) {
      const status = Number(key);
      const before = merged[status];
      merged[status] = before
        ? {
            ...before,
            description: before.description === spec.description ? before.description : `${before.description}; ${spec.description}`,
            errors: [...new Set([...(before.errors ?? []), ...(spec.errors ?? [])])],
            headers: [...new Set([...(before.headers ?? []), ...(spec.headers ?? [])])],
          }
        : spec;
    }
  }
  return merged;
}

export function error(status: number, description: string, codes: readonly string[], headers?: ResponseSpec['headers']): Responses {
  return { [status]: { description, errors: codes, ...(headers ? { headers } : {}) } };
}

/** Redis does not answer (or holds a record this instance cannot open): try again shortly. */
export const STORE_UNAVAILABLE = error(503, 'The store is briefly unavailable', ['store_unavailable'], ['Retry-After']);

export const TOO_LARGE = error(413, 'The body is over its limit (the connection closes)', ['payload_too_large']);

export const INVALID_REQUEST = error(400, 'The body is not what the route takes; the message names the field', ['invalid_request']);

/** `allowedOriginOnly`: a page from a site not on the list (a request without an Origin passes). */
export function originRefused(variable: 'IDC_ALLOWED_ORIGINS' | 'IDC_AGENT_ORIGINS'): Responses {
  return error(403, `The page's origin is not on ${variable}`, ['origin_not_allowed']);
}

/** The limit on session starts per client address (IDC_SESSIONS_PER_MINUTE). */
export const SESSION_STARTS_LIMITED = error(429, 'Too many session starts from this client address', ['rate_limited'], ['Retry-After']);

/** A bearer ticket (`bearer-tickets.ts`): missing, not valid, or the backend has no ticket secret. */
export function ticketRefused(kind: 'guest' | 'host'): Responses {
  return responses(
    error(401, `No ${kind} ticket, or one that does not verify or has expired`, ['ticket_required', 'invalid_ticket', 'ticket_expired'], ['WWW-Authenticate']),
    error(503, 'Tickets are not configured (IDC_TICKET_SECRET)', ['not_configured']),
  );
}

export const STREAMS_FULL = error(503, 'The service has too many open streams (IDC_MAX_STREAMS)', ['too_many_streams'], ['Retry-After']);

export const CORE_BUSY = error(503, 'Too many calls to the core are waiting', ['core_busy'], ['Retry-After']);
