const postJson = (backend: string, path: string, body: object) =>
  request(endpoint(backend, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * Everything the widget says to the backend: its fetches and the session's
 * event stream. Knows nothing of rendering or state; failures come out as
 * `TransportError` with the backend's error code where it gave one.
 */
import { endpoint, isString, request, TransportError } from '../shared/http.js';
import { isAttachedSession, isStartedSession } from './session-check.js';
import type { AttachedSession, Attributes, AuthMethod, ResultEvent, Session, SessionOptions } from '../shared/wire.js';

export { endpoint, TransportError } from '../shared/http.js';

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
  let value: { status?: unknown; attributes?: unknown; logout?: unknown; reason?: unknown };
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
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

export interface StreamHandlers {
  /** The stream is open (again). */
  live(): void;
  /** The stream broke; a reconnect is under way. */
  lost(): void;
  result(result: ResultEvent): void;
  expired(): void;
  /** Reconnecting failed too often, or the stream sent something unreadable. */
  giveUp(reason: TransportError): void;
}

export interface StreamOptions {
  /** Waits before each of our own reconnects; their count is the number of tries. */
  delays?: readonly number[];
  /** Failed native reconnects in a row before we take over with our backoff. */
  maxErrors?: number;
}

export const DEFAULT_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * Follows a session's event stream until its final event, and returns a
 * function that stops following. EventSource reconnects by itself after a
 * dropped connection; when it gives up (HTTP error) or keeps failing, we close
 * it and open a new one after a growing wait.
 */
export function watchSession(
  url: string,
  handlers: StreamHandlers,
  { delays = DEFAULT_DELAYS, maxErrors = 3 }: StreamOptions = {},
): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tries = 0;
  let errors = 0;
  let stopped = false;

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
  const finish = (report: () => void) => {
    stop();
    report();
  };

  const open = () => {
    const es = (source = new EventSource(url));
    const healthy = () => {
      errors = 0;
      tries = 0;
      handlers.live();
    };
    es.addEventListener('open', healthy);
    es.addEventListener('state', healthy);
    es.addEventListener('result', (e) => {
      const result = parseResult((e as MessageEvent<string>).data);
      finish(() =>
        result ? handlers.result(result) : handlers.giveUp(new TransportError('bad_response', 'Unreadable result')),
      );
    });
    es.addEventListener('expired', () => finish(handlers.expired));
    es.addEventListener('error', () => {
      if (stopped) return;
      handlers.lost();
      if (es.readyState !== EventSource.CLOSED && ++errors < maxErrors) return;
      es.close();
      errors = 0;
      const delay = delays[tries++];
      if (delay === undefined) {
        finish(() => handlers.giveUp(new TransportError('stream', `Lost the connection to ${new URL(url).origin}`)));
      } else {
        timer = setTimeout(open, delay);
      }
    });
  };

  open();
  return stop;
}
