/**
 * A server-sent-events stream written straight to Node's response.
 *
 * Thousands of residents wait on a stream each, mostly idle. Hono's
 * streamSSE gives every one a web TransformStream, a ReadableStream, a writer
 * and their promises; writing to the Node response directly keeps a waiting
 * stream to its socket, the response and this small object. Heartbeats and
 * expiries of all streams run on shared timers (stream-timers.ts), not one
 * of each per stream.
 */
import type { ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';

/**
 * How long a browser waits before it reconnects a stream that broke, sent as
 * `retry:` first on every stream: without it each engine picks its own
 * (Firefox about 5 s, Chromium and WebKit 3 s).
 */
export const RECONNECT_DELAY_MS = 3000;

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export class EventStream {
  private ended = false;
  /** Called once when the stream ends, whoever ends it (us, the client, a failed write). */
  onEnd?: () => void;

  private constructor(private readonly response: ServerResponse) {
    response.once('close', () => this.end());
  }

  /**
   * Sends the 200 and the stream's headers on the request's own Node response, and
   * returns the stream with the Response that tells Hono the answer is already on its way.
   */
  static open(c: Context, headers: Record<string, string>): { stream: EventStream; response: Response } {
    const outgoing = (c.env as HttpBindings | undefined)?.outgoing;
    if (!outgoing) throw new Error('event streams need the Node server (@hono/node-server)');
    const all: Record<string, string> = {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    };
    // Headers set earlier on the context (CORS) go out too.
    c.res.headers.forEach((value, name) => {
      if (!(name in all) && name.toLowerCase() !== 'content-type') all[name] = value;
    });
    outgoing.writeHead(200, all);
    outgoing.flushHeaders();
    outgoing.write(`retry: ${RECONNECT_DELAY_MS}\n\n`);
    return { stream: new EventStream(outgoing), response: RESPONSE_ALREADY_SENT };
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * True while something written earlier is still in Node's buffer, not yet taken by the
   * socket: asked once a heartbeat interval, that means the client has stopped reading.
   */
  get stalled(): boolean {
    return this.response.writableLength > 0 || this.response.writableNeedDrain;
  }

  send({ event, id, data }: SseEvent): void {
    let text = `event: ${event}\n`;
    if (id !== undefined) text += `id: ${id}\n`;
    for (const line of data.split('\n')) text += `data: ${line}\n`;
    this.write(`${text}\n`);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.response.writableEnded) this.response.end();
    const onEnd = this.onEnd;
    this.onEnd = undefined;
    onEnd?.();
  }

  private write(text: string): void {
    if (this.ended) return;
    this.response.write(text);
  }
}
