/**
 * Everything the widget says to the backend: its fetches and the session's
 * event stream. Knows nothing of rendering or state; failures come out as
 * `TransportError` with the backend's error code where it gave one.
 */
import { endpoint, isString, request, retryAfterMs, TransportError } from '../shared/http.js';
import { isAttachedSession, isStartedSession } from './session-check.js';
import type { AttachedSession, Attributes, AuthMethod, ResultEvent, Session, SessionOptions, SessionStatus } from '../shared/wire.js';

export { endpoint, TransportError } from '../shared/http.js';

const postJson = (backend: string, path: string, body: object) =>
  request(endpoint(backend, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const badResponse = () => new TransportError('bad_response', 'Unexpected answer from the backend');

export async function fetchOptions(backend: string, purpose: string, signal?: AbortSignal): Promise<AuthMethod[]> {
  const body = (await request(endpoint(backend, `session_options/${encodeURIComponent(purpose)}`), {
    signal,
  })) as Partial<SessionOptions> | undefined;
  const methods = body?.auth_methods;
  if (!Array.isArray(methods) || !methods.every((m) => isString(m?.tag) && isString(m.name) && isString(m.image_url))) {
    throw badResponse();
  }
  return methods;
}

export async function createSession(
  backend: string,
  body: { purpose: string; auth_method: string; return_url?: string; lang?: string; ticket?: string },
): Promise<Session> {
  const session = await postJson(backend, 'sessions', body);
  if (!isStartedSession(backend, session)) throw badResponse();
  return session;
}

/** `POST /sessions/attach`: spends the chat link's reference, and has any result on it verified. */
export async function attachSession(backend: string, body: { reference: string; result?: string; ticket?: string }): Promise<AttachedSession> {
  const session = await postJson(backend, 'sessions/attach', body);
  if (!isAttachedSession(backend, session)) throw badResponse();
  return session;
}

/**
 * `POST /sessions/:id/activity` or `/logout`, authorised by the session's
 * stream token. `keepalive`, so a logout still goes out when the page closes.
 */
export async function sessionFeedback(backend: string, session: AttachedSession, type: 'activity' | 'logout'): Promise<void> {
  const token = new URL(session.events_url).searchParams.get('token') ?? '';
  await request(endpoint(backend, `sessions/${encodeURIComponent(session.session_id)}/${type}`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    keepalive: true,
  });
}

/** Parses a `result` event's data; undefined if it is not one. */
export function parseResult(data: string): ResultEvent | undefined {
  try {
    return resultOf(JSON.parse(data));
  } catch {
    return undefined;
  }
}

/** A result as the stream's event or the status route's `result` has it; undefined if it is not one. */
function resultOf(v: unknown): ResultEvent | undefined {
  const value = v as { status?: unknown; attributes?: unknown; logout?: unknown; reason?: unknown } | null;
  if (value?.status === 'failed') return value.reason === 'other_browser' ? { status: 'failed', reason: 'other_browser' } : { status: 'failed' };
  const attributes = value?.attributes;
  if (
    value?.status === 'succes' &&
    attributes !== null &&
    typeof attributes === 'object' &&
    Object.values(attributes).every(isString)
  ) {
    return { status: 'succes', attributes: attributes as Attributes, logout: value.logout === true };
  }
  return undefined;
}

/** What `GET /sessions/:id/status` says; undefined if it is not a status. */
export function parseStatus(v: unknown): SessionStatus | undefined {
  const value = v as { state?: unknown; result?: unknown } | null;
  if (value?.state === 'waiting' || value?.state === 'expired') return { state: value.state };
  const result = value?.state === 'result' ? resultOf(value.result) : undefined;
  return result && { state: 'result', result };
}

export interface StreamHandlers {
  /** The stream is open (again), or a poll got through. */
  live(): void;
  /** The stream broke, or a poll failed; another try is under way. */
  lost(): void;
  result(result: ResultEvent): void;
  expired(): void;
  /** Reconnecting (or polling) failed too often, or the stream sent something unreadable. */
  giveUp(reason: TransportError): void;
}

export interface StreamOptions {
  /** Waits before each of our own reconnects (and polls after a failed one); their count is the number of tries. */
  delays?: readonly number[];
  /** Failed native reconnects in a row before we take over with our backoff. */
  maxErrors?: number;
  /** No event within this long of opening the stream: it is taken for buffered, and the status polled instead. */
  firstEventMs?: number;
  /** Between two polls of the status. */
  pollMs?: number;
}

export const DEFAULT_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
export const FIRST_EVENT_MS = 3000;
export const STATUS_POLL_MS = 2000;

/**
 * Follows a session until its final event, and returns a function that stops
 * following. EventSource reconnects by itself after a dropped connection;
 * when it gives up (HTTP error) or keeps failing, we close it and open a new
 * one after a growing wait. A stream that says nothing within `firstEventMs`
 * (a proxy that buffers it: the backend sends `state` at once) is closed, and
 * `GET /sessions/:id/status` polled instead. When the page is shown again
 * (`visibilitychange`, `pageshow` from the back-forward cache) the status is
 * checked at once and the stream opened again: a phone back from the login
 * app does not wait for a dead stream.
 */
export function watchSession(
  url: string,
  handlers: StreamHandlers,
  { delays = DEFAULT_DELAYS, maxErrors = 3, firstEventMs = FIRST_EVENT_MS, pollMs = STATUS_POLL_MS }: StreamOptions = {},
): () => void {
  const token = new URL(url).searchParams.get('token') ?? '';
  // events_url is `…/sessions/:id/events?token=…`; the status is its sibling, the token a Bearer.
  const statusUrl = new URL('status', url).href;
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstEvent: ReturnType<typeof setTimeout> | undefined;
  let polling = false;
  let tries = 0;
  let errors = 0;
  let stopped = false;
  const checks = new Set<AbortController>();

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(firstEvent);
    source?.close();
    checks.forEach((c) => c.abort());
    document.removeEventListener('visibilitychange', onShown);
    removeEventListener('pageshow', onShown);
  };
  const finish = (report: () => void) => {
    if (stopped) return;
    stop();
    report();
  };
  const lostConnection = () => finish(() => handlers.giveUp(new TransportError('stream', `Lost the connection to ${new URL(url).origin}`)));
  /** Delivers a final status as the stream would; whether it was one. */
  const deliver = (status: SessionStatus): boolean => {
    if (status.state === 'result') finish(() => handlers.result(status.result));
    else if (status.state === 'expired') finish(handlers.expired);
    return status.state !== 'waiting';
  };

  /** One look at the status: the status, `busy` with the wait a 429 asks for, or `failed`. */
  const check = async (): Promise<SessionStatus | { busy: number } | 'failed'> => {
    const controller = new AbortController();
    checks.add(controller);
    try {
      const response = await fetch(statusUrl, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (response.status === 429) return { busy: retryAfterMs(response, pollMs) };
      const status = response.ok ? parseStatus(await response.json()) : undefined;
      return status ?? 'failed';
    } catch {
      return 'failed';
    } finally {
      checks.delete(controller);
    }
  };

  const poll = async () => {
    timer = undefined;
    const answer = await check();
    if (stopped || !polling) return;
    let wait = pollMs;
    if (answer === 'failed') {
      handlers.lost();
      const delay = delays[tries++];
      if (delay === undefined) return lostConnection();
      wait = delay;
    } else if ('busy' in answer) {
      wait = answer.busy;
    } else {
      tries = 0;
      if (deliver(answer)) return;
      handlers.live();
    }
    if (timer === undefined) timer = setTimeout(poll, wait);
  };

  const fallBack = () => {
    source?.close();
    source = undefined;
    polling = true;
    tries = 0;
    void poll();
  };

  const open = () => {
    clearTimeout(timer);
    timer = undefined;
    clearTimeout(firstEvent);
    source?.close();
    polling = false;
    const es = (source = new EventSource(url));
    // `open` is no proof: a buffering proxy passes the headers and holds the body.
    firstEvent = setTimeout(fallBack, firstEventMs);
    const heard = () => clearTimeout(firstEvent);
    const healthy = () => {
      errors = 0;
      tries = 0;
      handlers.live();
    };
    es.addEventListener('open', healthy);
    es.addEventListener('state', () => {
      heard();
      healthy();
    });
    es.addEventListener('result', (e) => {
      const result = parseResult((e as MessageEvent<string>).data);
      finish(() =>
        result ? handlers.result(result) : handlers.giveUp(new TransportError('bad_response', 'Unreadable result')),
      );
    });
    es.addEventListener('expired', () => finish(handlers.expired));
    es.addEventListener('error', () => {
      if (stopped || es !== source) return;
      handlers.lost();
      if (es.readyState !== EventSource.CLOSED && ++errors < maxErrors) return;
      es.close();
      clearTimeout(firstEvent);
      errors = 0;
      const delay = delays[tries++];
      if (delay === undefined) lostConnection();
      else timer = setTimeout(open, delay);
    });
  };

  /**
   * Back on screen: a result that came meanwhile is shown now, and the stream
   * opens again. Also one that looks open: a phone back from the login app
   * may hold a connection that died unnoticed, and a result that comes after
   * this check would never arrive on it. The backend ends the older stream.
   */
  function onShown(event: Event) {
    if (stopped) return;
    if (event.type === 'pageshow' ? !(event as PageTransitionEvent).persisted : document.visibilityState !== 'visible') return;
    void check().then((answer) => {
      if (!stopped && typeof answer === 'object' && 'state' in answer) deliver(answer);
    });
    open();
  }
  document.addEventListener('visibilitychange', onShown);
  addEventListener('pageshow', onShown);

  open();
  return stop;
}
