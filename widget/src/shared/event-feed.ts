/**
 * Follows a `text/event-stream` that needs a ticket as its Bearer, read with
 * fetch (EventSource cannot send an Authorization header): the employee's
 * identity stream and the resident's request channel. Reconnects after a
 * network error, a 5xx or any other unusable answer, a stream that ends
 * without `ticket_expired`, or one that falls silent; sends `Last-Event-ID`
 * when it has one; stops for good when the ticket is refused.
 */
import { endpoint } from './http.js';
import { SseParser, type SseEvent } from './sse.js';

/** Why the backend refuses the ticket; nothing more is tried until there is a new one. */
export type DenyCode = 'ticket_expired' | 'invalid_ticket';

export interface EventFeedHandlers {
  /** The stream is open (again). */
  open(): void;
  /** Each event but `ticket_expired` (that one is `denied`). */
  event(event: SseEvent): void;
  /** The connection failed or ended; another attempt is scheduled. */
  lost(): void;
  /** The ticket is refused (401, 403 or `ticket_expired`): nothing more is tried. */
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

/** A 401 (or 403) answer's reason: the backend's `ticket_expired`, else `invalid_ticket`. */
export async function refusal(response: Response): Promise<DenyCode | undefined> {
  if (response.status !== 401 && response.status !== 403) return undefined;
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
  return body?.error === 'ticket_expired' ? 'ticket_expired' : 'invalid_ticket';
}

/** Follows `path` under `backend` until stopped or refused; returns the function that stops it. */
export function followEventFeed(
  backend: string,
  path: string,
  ticket: string,
  handlers: EventFeedHandlers,
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
      const response = await fetch(endpoint(backend, path), {
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
        if (stopped) return;
        if (event.type === 'ticket_expired') deny('ticket_expired');
        else handlers.event(event);
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
