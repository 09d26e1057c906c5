/** Records what the stand-in core receives, so tests can assert on the wire. */
import type { MiddlewareHandler } from 'hono';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  accept?: string;
  authorization?: string;
  /** Parsed JSON for JSON bodies, the text otherwise; absent when empty. */
  body?: unknown;
}

/** Enough for any test; a demo left running for days must not grow without end. */
export const MAX_RECORDED_REQUESTS = 500;

export function recordRequests(requests: RecordedRequest[]): MiddlewareHandler {
  return async (c, next) => {
    const text = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    const contentType = c.req.header('content-type');
    let body: unknown = text === '' ? undefined : text;
    if (text !== '' && contentType?.toLowerCase().includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        // Malformed JSON is recorded as the text it was.
      }
    }
    requests.push({
      method: c.req.method,
      path: c.req.path,
      query: c.req.query(),
      contentType,
      accept: c.req.header('accept'),
      authorization: c.req.header('authorization'),
      body,
    });
    if (requests.length > MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS);
    await next();
  };
}
