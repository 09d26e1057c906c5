/**
 * The JSON requests both elements make to the backend. Failures come out as
 * `TransportError` with the backend's error code where it gave one.
 */
import type { ErrorBody } from './wire.js';

export class TransportError extends Error {
  constructor(
    /** The backend's `error` code, or `network`, `bad_response`, `http_<status>`. */
    readonly code: string,
    message: string,
    /** The HTTP status, when the backend answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Resolves `path` under the backend URL, keeping any path prefix it has. */
export function endpoint(backend: string, path: string): string {
  return new URL(path, backend.endsWith('/') ? backend : backend + '/').href;
}

export const isString = (v: unknown): v is string => typeof v === 'string';

export async function request(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw new TransportError('network', `Cannot reach ${new URL(url).origin}`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const err = body as Partial<ErrorBody> | undefined;
    throw new TransportError(
      isString(err?.error) ? err.error : `http_${response.status}`,
      isString(err?.message) ? err.message : `HTTP ${response.status}`,
      response.status,
    );
  }
  return body;
}

/** The longest a 429's Retry-After is honoured: a wrong header must not silence a client for good. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A 429's Retry-After (seconds) in ms, at least `least` (also when absent or unreadable), at most a minute. */
export function retryAfterMs(response: Response, least: number): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(Math.max(seconds * 1000, least), MAX_RETRY_AFTER_MS) : least;
}
