/**
 * The JSON error answer every route gives: `{"error": code, "message"}`.
 * Messages are written for the website owner's developer and never contain
 * personal data or secrets.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorResponse } from '../protocol.ts';

export function errorResponse(c: Context, status: ContentfulStatusCode, error: string, message: string): Response {
  return c.json({ error, message } satisfies ErrorResponse, status, { 'Cache-Control': 'no-store' });
}

/** 503 for a limit of ours (sessions, streams, core calls): the client may try again after `retryAfterSeconds`. */
export function busyResponse(c: Context, error: string, message: string, retryAfterSeconds = 30): Response {
  c.header('Retry-After', String(retryAfterSeconds));
  return errorResponse(c, 503, error, message);
}
