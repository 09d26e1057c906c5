/**
 * Everything `<id-contact-agent>` says to the backend: the conversation's
 * identity stream (`GET /agent/events`, read with fetch so it can carry the
 * host ticket as a Bearer) and Forget (`DELETE /agent/identities`). Knows
 * nothing of rendering or state.
 */
import { endpoint, isString } from '../shared/http.js';
import { followEventFeed, refusal, type DenyCode, type FeedOptions } from '../shared/event-feed.js';
import type { Attributes, Identity, IdentityStatus } from '../shared/wire.js';

export { FEED_DELAYS, SILENCE_MS, type DenyCode, type FeedOptions } from '../shared/event-feed.js';

export interface FeedHandlers {
  /** The stream is open (again); a snapshot of the current identities follows. */
  open(): void;
  identity(identity: Identity): void;
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
  if (v.status === 'verified' && v.attributes && typeof v.attributes === 'object') {
    identity.attributes = Object.fromEntries(Object.entries(v.attributes).filter(([, value]) => isString(value))) as Attributes;
  }
  return identity;
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
        if (event.type !== 'identity') return;
        const identity = parseIdentity(event.data);
        if (identity) handlers.identity(identity);
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
