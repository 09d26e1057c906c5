/**
 * The resident's request channel: what the employee asks of this
 * conversation, heard with the guest ticket as the Bearer (never in a URL).
 * One fetch-read stream (`GET /requests/events`, shared/event-feed.ts) that
 * says the current request at connect and on every change; when no `request`
 * event came within a few seconds of opening (a proxy that buffers), the
 * stream is closed and `GET /requests/current` polled instead, while the page
 * is visible. Also the decline. Knows nothing of rendering or state.
 */
import { endpoint, request, retryAfterMs } from '../shared/http.js';
import { followEventFeed, refusal, type DenyCode, type FeedOptions } from '../shared/event-feed.js';
import { readCurrentRequest } from '../shared/request-reading.js';
import type { CurrentRequest, VerificationRequest } from '../shared/wire.js';

export interface RequestHandlers {
  /** The conversation's latest request, or null: at connect and on every change (repeats are possible). */
  request(request: VerificationRequest | null): void;
  /** The ticket is refused: nothing more is tried with it. */
  denied(code: DenyCode): void;
}

export interface RequestChannelOptions extends FeedOptions {
  /** No `request` event this long after opening: the stream is taken for buffered, and polled instead. */
  firstEventMs?: number;
  /** Between two polls. */
  pollMs?: number;
}

export const FIRST_EVENT_MS = 3000;
export const REQUEST_POLL_MS = 5000;

/** A `request` event's data (or the current request's answer): `{request}`; undefined if it is not one. The resident's side has no identity id. */
export function parseCurrentRequest(value: unknown): CurrentRequest | undefined {
  const current = readCurrentRequest(value);
  if (current?.request) delete current.request.identity_id;
  return current;
}

/**
 * Follows the conversation's requests until stopped or refused; returns the
 * function that stops it (and removes its listeners). Of two versions of one
 * request, the older is not passed on (the stream and a poll may cross).
 */
export function followRequests(
  backend: string,
  ticket: string,
  handlers: RequestHandlers,
  { firstEventMs = FIRST_EVENT_MS, pollMs = REQUEST_POLL_MS, ...feed }: RequestChannelOptions = {},
): () => void {
  let stopped = false;
  let heard = false;
  let polling = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;
  const latest = new Map<string, string>();

  const pass = (value: unknown) => {
    const current = parseCurrentRequest(value);
    if (!current || stopped) return;
    const r = current.request;
    if (r) {
      const seen = latest.get(r.id);
      if (seen && seen > r.updated_at) return;
      latest.set(r.id, r.updated_at);
    }
    handlers.request(r);
  };
  const deny = (code: DenyCode) => {
    stop();
    handlers.denied(code);
  };

  const poll = async () => {
    clearTimeout(pollTimer);
    pollTimer = undefined;
    if (stopped || document.visibilityState === 'hidden') return; // visible again: polled at once
    const aborter = (inFlight = new AbortController());
    let wait = pollMs;
    try {
      const response = await fetch(endpoint(backend, 'requests/current'), {
        headers: { authorization: `Bearer ${ticket}`, accept: 'application/json' },
        cache: 'no-store',
        signal: aborter.signal,
      });
      const refused = await refusal(response);
      if (refused) return deny(refused);
      if (response.status === 429) wait = retryAfterMs(response, pollMs);
      else if (response.ok) pass(await response.json());
    } catch {
      // unreachable for now: the next poll tries again
    }
    if (!stopped && aborter === inFlight && pollTimer === undefined) pollTimer = setTimeout(poll, wait);
  };

  const onVisible = () => {
    if (document.visibilityState === 'visible' && pollTimer === undefined) void poll();
  };

  const stopStream = followEventFeed(
    backend,
    'requests/events',
    ticket,
    {
      open: () => undefined,
      lost: () => undefined,
      denied: deny,
      event: (event) => {
        if (event.type !== 'request') return;
        heard = true;
        try {
          pass(JSON.parse(event.data));
        } catch {
          // unreadable: the next one says it again
        }
      },
    },
    feed,
  );
  // Buffered: the stream holds a connection and delivers nothing. Poll instead.
  const firstEvent = setTimeout(() => {
    if (heard || stopped) return;
    stopStream();
    polling = true;
    document.addEventListener('visibilitychange', onVisible);
    void poll();
  }, firstEventMs);

  function stop() {
    stopped = true;
    clearTimeout(firstEvent);
    clearTimeout(pollTimer);
    inFlight?.abort();
    stopStream();
    if (polling) document.removeEventListener('visibilitychange', onVisible);
  }
  return stop;
}

/** `POST /requests/:id/decline`: the resident says "not now". A request no longer pending (404, 409) is no failure. */
export async function declineRequest(backend: string, ticket: string, id: string): Promise<void> {
  await request(endpoint(backend, `requests/${encodeURIComponent(id)}/decline`), {
    method: 'POST',
    headers: { authorization: `Bearer ${ticket}` },
  });
}
