/**
 * Everything `<id-contact-agent>` says to the backend: the conversation's
 * stream of identities and requests (`GET /agent/events`, read with fetch so
 * it can carry the host ticket as a Bearer), Forget (`DELETE
 * /agent/identities`) and asking the resident to log in (`POST
 * /agent/requests`). Knows nothing of rendering or state.
 */
import { endpoint, isString } from '../shared/http.js';
import { followEventFeed, refusal, type DenyCode, type FeedOptions } from '../shared/event-feed.js';
import { readCurrentRequest, readRequest } from '../shared/request-reading.js';
import type { Attributes, CurrentRequest, Identity, IdentityStatus, VerificationRequest } from '../shared/wire.js';

export { FEED_DELAYS, SILENCE_MS, type DenyCode, type FeedOptions } from '../shared/event-feed.js';

export interface FeedHandlers {
  /** The stream is open (again); a snapshot of the current identities follows. */
  open(): void;
  identity(identity: Identity): void;
  /** The conversation's request to verify, as it is now (null: none). */
  request(request: VerificationRequest | null): void;
  /** The connection failed or ended; another attempt is scheduled. */
  lost(): void;
  /** The ticket is refused (401): nothing more is tried. */
  denied(code: DenyCode): void;
}

/**
 * An `identity` event's data, or undefined when it is not one. Attributes are
 * kept only while verified, and only string values. A status this element
 * does not know is kept as it came (shown as not verified), so a newer
 * backend's status can never leave an old "verified" on screen.
 */
export function parseIdentity(data: string): Identity | undefined {
  let v: Partial<Record<keyof Identity, unknown>>;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!v || !isString(v.id) || !isString(v.status)) return undefined;
  const identity: Identity = {
    id: v.id,
    purpose: isString(v.purpose) ? v.purpose : '',
    auth_method: isString(v.auth_method) ? v.auth_method : null,
    // Kept even when unknown (see above); only `verified` ever looks verified.
    status: v.status as IdentityStatus,
    updated_at: isString(v.updated_at) ? v.updated_at : '',
  };
  if (v.reason === 'other_browser') identity.reason = v.reason;
  if (isString(v.purpose_name) && v.purpose_name) identity.purpose_name = v.purpose_name;
  if (v.status === 'verified' && v.attributes && typeof v.attributes === 'object') {
    identity.attributes = Object.fromEntries(Object.entries(v.attributes).filter(([, value]) => isString(value))) as Attributes;
  }
  return identity;
}

/** A `request` event's data (`{request}`, the request or null), or undefined when it is not one. */
export function parseRequest(data: string): CurrentRequest | undefined {
  try {
    return readCurrentRequest(JSON.parse(data));
  } catch {
    return undefined;
  }
}

/**
 * Follows the conversation's identity stream (shared/event-feed.ts) until
 * stopped or refused, and returns the function that stops it.
 */
export function followFeed(backend: string, ticket: string, handlers: FeedHandlers, options?: FeedOptions): () => void {
  return followEventFeed(
    backend,
    'agent/events',
    ticket,
    {
      open: handlers.open,
      lost: handlers.lost,
      denied: handlers.denied,
      event: (event) => {
        if (event.type === 'identity') {
          const identity = parseIdentity(event.data);
          if (identity) handlers.identity(identity);
        } else if (event.type === 'request') {
          const current = parseRequest(event.data);
          if (current) handlers.request(current.request);
        }
      },
    },
    options,
  );
}

/**
 * `DELETE /agent/identities`: the backend deletes every attribute of the
 * conversation. Resolves to `ok`, the refusal of the ticket, or `failed`
 * (network error, 5xx, anything else). Never rejects.
 */
export async function forgetIdentities(backend: string, ticket: string): Promise<'ok' | 'failed' | DenyCode> {
  try {
    const response = await fetch(endpoint(backend, 'agent/identities'), {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ticket}` },
    });
    return response.ok ? 'ok' : ((await refusal(response)) ?? 'failed');
  } catch {
    return 'failed';
  }
}

/**
 * Why asking failed: one is open already (409 `request_pending`), the core
 * does not know the purpose (400 `unknown_purpose`), too many asks (429),
 * the backend was not reached (`network`), or anything else (`failed`).
 */
export type AskError = 'request_pending' | 'unknown_purpose' | 'rate_limited' | 'network' | 'failed';

/**
 * `POST /agent/requests` `{purpose}`: asks the conversation's resident to log
 * in. Resolves to the request made (201), the refusal of the ticket, or why
 * it failed. Never rejects.
 */
export async function askToVerify(
  backend: string,
  ticket: string,
  purpose: string,
): Promise<{ request: VerificationRequest } | { error: AskError | DenyCode }> {
  let response: Response;
  try {
    response = await fetch(endpoint(backend, 'agent/requests'), {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ purpose }),
    });
  } catch {
    return { error: 'network' };
  }
  const refused = await refusal(response);
  if (refused) return { error: refused };
  if (response.status === 429) return { error: 'rate_limited' };
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
  if (response.status === 201) {
    const made = readRequest(body);
    return made ? { request: made } : { error: 'failed' };
  }
  const code = body?.error;
  return { error: code === 'request_pending' || code === 'unknown_purpose' ? code : 'failed' };
}
