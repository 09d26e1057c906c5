/**
 * Reading request bodies within a limit. The limit is enforced while reading,
 * before anything is parsed: a declared Content-Length over it is refused at
 * once, and a chunked body is counted and cut off as soon as it passes it.
 * Under @hono/node-server the Node request is read directly (no web stream in
 * between); elsewhere (app.request in tests) the web Request's body is.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { z } from 'zod';
import { errorResponse } from './errors.ts';

/** Body limits per route, in bytes. */
export const BODY_LIMITS = {
  /** `POST /sessions`: purpose, method, return_url, a ticket. */
  createSession: 8 * 1024,
  /** Attach and start_communication: room for one result (16 KB) and the rest. */
  withResult: 20 * 1024,
  /** `POST /agent/requests`: one purpose. */
  createRequest: 1024,
  /** Routes that take no body (activity, logout, decline). */
  none: 1024,
} as const;

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body is over ${limit} bytes`);
  }
}

/** The client went away before its body was complete: nobody waits for an answer. */
export class BodyAbortedError extends Error {
  override name = 'BodyAbortedError';
}

function declaredLength(c: Context): number | undefined {
  const header = c.req.header('Content-Length');
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

function nodeIncoming(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming && typeof env.incoming.on === 'function' ? env.incoming : undefined;
}

export async function readBodyBytes(c: Context, maxBytes: number): Promise<Buffer> {
  const declared = declaredLength(c);
  if (declared !== undefined && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const incoming = nodeIncoming(c);
  return incoming ? readIncoming(incoming, maxBytes) : readWebBody(c.req.raw, maxBytes);
}

export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  return (await readBodyBytes(c, maxBytes)).toString('utf8');
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (settle: () => void) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onAbort);
      incoming.off('close', onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering; @hono/node-server drains (bounded) or closes what is left.
        incoming.pause();
        done(() => reject(new BodyTooLargeError(maxBytes)));
      } else chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    const onAbort = () => done(() => reject(new BodyAbortedError('the client closed the request before its body was complete')));
    const onClose = () => (incoming.readableEnded ? onEnd() : onAbort());
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onAbort);
    incoming.on('close', onClose);
    incoming.resume();
  });
}

async function readWebBody(request: Request, maxBytes: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => {});
        throw new BodyTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    throw new BodyAbortedError('the client closed the request before its body was complete');
  }
  return Buffer.concat(chunks);
}

/**
 * Reading a JSON request body, within `maxBytes`, against a protocol schema: either the
 * data, or the 400 answer naming the first field that is wrong. Over the limit or
 * aborted, it throws (BodyTooLargeError, BodyAbortedError); the app answers those.
 */
export async function readJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  shape: string,
  maxBytes: number,
): Promise<z.infer<T> | Response> {
  const text = await readBodyText(c, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return errorResponse(c, 400, 'invalid_request', `body must be JSON: ${shape}`);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return errorResponse(c, 400, 'invalid_request', `${String(issue?.path[0] ?? 'body')}: ${issue?.message ?? 'invalid'}`);
}

/** For routes that read no body: a declared one over `maxBytes` is refused before the handler runs. */
export function refuseBodyOver(maxBytes: number) {
  return async (c: Context, next: () => Promise<void>) => {
    const declared = declaredLength(c);
    if (declared !== undefined && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
    await next();
  };
}
