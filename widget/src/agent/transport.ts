/**
 * Everything `<id-contact-agent>` says to the backend: the conversation's
 * identity stream (`GET /agent/events`, read with fetch so it can carry the
 * host ticket as a Bearer) and Forget (`DELETE /agent/identities`). Knows
 * nothing of rendering or state.
 */
import { endpoint, isString } from '../shared/http.js';
import { SseParser } from '../shared/sse.js';
import type { Attributes, Identity, IdentityStatus } from '../shared/wire.js';

/** Why the backend refuses the ticket; the element stops until it gets a new one. */
export type DenyCode = 'ticket_expired' | 'invalid_ticket';

export interface FeedHandlers {
  /** The stream is open (again); a snapshot of the current identities follows. */
  open(): void;
  identity(identity: Identity): void;
  /** The connection failed or ended; another attempt is scheduled. */
  lost(): void;
  /** The ticket is refused (401): nothing more is tried. */
  denied(code: DenyCode): void;
}

export interface FeedOptions {
  /** Waits before reconnecting, growing per failed attempt; the last one repeats. Each is jittered to 50–100 %. */
  delays?: readonly number[];
  /** A stream silent this long (no event, no heartbeat) counts as dropped. */
  silenceMs?: number;
}

export const FEED_DELAYS = [1000, 2000, 4000, 8000, 16000, 30000];
/** Three missed heartbeats (the backend sends one every 15 s). */
export const SILENCE_MS = 45_000;

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

/** A 401 (or 403) answer's reason: the backend's `ticket_expired`, else `invalid_ticket`. */
async function refusal(response: Response): Promise<DenyCode | undefined> {
  if (response.status !== 401 && response.status !== 403) return undefined;
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
  return body?.error === 'ticket_expired' ? 'ticket_expired' : 'invalid_ticket';
}

/**
 * Follows the conversation's identity stream until stopped or refused, and
 * returns the function that stops it. Reconnects after a network error, a
 * 5xx or any other unusable answer, a stream that ends without
 * `ticket_expired`, or one that falls silent; sends `Last-Event-ID` when it
 * has one.
 */
export function followFeed(
  backend: string,
  ticket: string,
  handlers: FeedHandlers,
  { delays = FEED_DELAYS, silenceMs = SILENCE_MS }: FeedOptions = {},
): () => void {
  let stopped = false;
  let tries = 0;
  let lastEventId = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
  const deny = (code: DenyCode) => {
    stop();
    handlers.denied(code);
  };

  const connect = async () => {
    const aborter = (controller = new AbortController());
    let silence: ReturnType<typeof setTimeout> | undefined;
    // Bounds the wait for the answer too.
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(() => aborter.abort(), silenceMs);
    };
    heard();
    try {
      const response = await fetch(endpoint(backend, 'agent/events'), {
        headers: {
          authorization: `Bearer ${ticket}`,
          accept: 'text/event-stream',
          ...(lastEventId && { 'last-event-id': lastEventId }),
        },
        cache: 'no-store',
        signal: aborter.signal,
      });
      const refused = await refusal(response);
      if (refused) return deny(refused);
      if (!response.ok || !response.body || !/^text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        throw new Error(`HTTP ${response.status}`);
      }
      handlers.open();
      const parser = new SseParser((event) => {
        lastEventId = event.lastEventId;
        if (event.type === 'ticket_expired') deny('ticket_expired');
        else if (event.type === 'identity') {
          const identity = parseIdentity(event.data);
          if (identity) handlers.identity(identity);
        }
      }, lastEventId);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || stopped) break;
        // Something came through: the connection works, the next failure starts the backoff afresh.
        tries = 0;
        heard();
        parser.push(value);
        lastEventId = parser.lastEventId;
      }
    } catch {
      // network error, silence, unusable answer: reconnect below
    } finally {
      clearTimeout(silence);
    }
    if (stopped) return;
    aborter.abort();
    handlers.lost();
    const delay = delays[Math.min(tries++, delays.length - 1)]!;
    timer = setTimeout(connect, delay * (0.5 + Math.random() / 2));
  };

  void connect();
  return stop;
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
