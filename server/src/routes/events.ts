/**
 * `GET /sessions/:id/events?token=…`: the widget's live view of its session,
 * as server-sent events. `state` (id 1) at once, then exactly one final event
 * (id 2): `result` or `expired`; then the stream ends. A reconnect whose
 * Last-Event-ID is the final id gets 204, which stops EventSource for good.
 *
 * A stream ends on its final event, on client abort, on a failed or stalled
 * write, or at the session's expiry: whichever comes first, the same cleanup
 * runs, so no stream outlives its session even if an abort goes unnoticed.
 *
 * Streams are capped (IDC_MAX_STREAMS, then 503), and a session has one: a
 * newer stream on it ends the older one, so an EventSource reconnecting
 * after a dropped network wins over the stream the network lost.
 */
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppContext } from '../context.ts';
import { busyResponse, errorResponse } from '../errors.ts';
import type { ResultEvent } from '../protocol.ts';
import { matchesDigest, randomSecret } from '../secrets.ts';
import type { SessionRecord } from '../store/session-store.ts';

export const STATE_EVENT_ID = '1';
export const FINAL_EVENT_ID = '2';

export function resultEventData(session: SessionRecord): ResultEvent {
  const result = session.result!;
  if (result.status === 'failed') return { status: 'failed' };
  return { status: 'succes', attributes: result.attributes, ...(result.sessionUrl ? { logout: true } : {}) };
}

export function eventsRoutes({ config, deps }: AppContext): Hono {
  const { store, logger } = deps;

  return new Hono().get('/:id/events', async (c) => {
    const id = c.req.param('id');
    const session = await store.get(id);
    if (!session) return errorResponse(c, 404, 'unknown_session', 'no such session, or it has ended');
    if (!matchesDigest(c.req.query('token'), session.streamTokenDigest)) {
      return errorResponse(c, 403, 'invalid_token', 'the stream token does not match this session');
    }
    if (session.result && (session.attributesPurged || c.req.header('Last-Event-ID') === FINAL_EVENT_ID)) {
      // The widget has the result: its attributes need not stay; a login session stays for logout.
      if (session.result.sessionUrl) await store.purgeAttributes(id);
      else await store.delete(id);
      return c.body(null, 204);
    }

    const streamId = randomSecret();
    if (deps.shutdown.aborted || !(await store.openStream(streamId, config.maxStreams, id))) {
      return busyResponse(c, 'too_many_streams', 'the service has too many open streams; try again shortly', 10);
    }

    c.header('X-Accel-Buffering', 'no');
    const response = streamSSE(
      c,
      (stream) => runStream(stream, id, streamId, session.expiresAt),
      async (error) => logger.error('stream failed', { reason: error.name }),
    );
    response.headers.set('Cache-Control', 'no-store');
    return response;
  });

  async function runStream(stream: SSEStreamingApi, id: string, streamId: string, expiresAt: number): Promise<void> {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let done = false;
    let writesPending = 0;
    let checking = Promise.resolve();

    async function write(message: { event: string; id: string; data: string } | string): Promise<void> {
      writesPending += 1;
      try {
        if (typeof message === 'string') await stream.write(message);
        else await stream.writeSSE(message);
      } finally {
        writesPending -= 1;
      }
      if (stream.aborted) finish();
    }

    // Look at the session and send the final event if there is one. Serialised,
    // so a wake-up racing the initial check cannot send two final events.
    function check(): Promise<void> {
      checking = checking.then(async () => {
        if (done) return;
        const current = await store.get(id);
        if (current?.result) {
          done = true;
          await write({ event: 'result', id: FINAL_EVENT_ID, data: JSON.stringify(resultEventData(current)) });
          const retainMs = current.result.sessionUrl ? config.feedbackTtlSeconds * 1000 : undefined;
          await store.markDelivered(id, config.resultGraceSeconds * 1000, retainMs);
          finish();
        } else if (!current || current.expiresAt <= Date.now()) {
          done = true;
          await write({ event: 'expired', id: FINAL_EVENT_ID, data: '{}' });
          finish();
        }
      });
      return checking;
    }

    const unsubscribe = store.subscribe(id, (change) => {
      if (change.type === 'stream') {
        if (change.streamId !== streamId) finish();
      } else void check();
    });
    const expiry = setTimeout(() => void check(), Math.max(0, expiresAt - Date.now()) + 5);
    const heartbeat = setInterval(() => {
      // A heartbeat still unsent after a whole interval means nobody is reading.
      if (writesPending > 0) finish();
      else void write(': heartbeat\n\n');
    }, deps.heartbeatMs);
    stream.onAbort(finish);
    const stopWatchingStore = store.onUnavailable?.(finish);
    deps.shutdown.addEventListener('abort', finish);
    try {
      // Not awaited in line: a stalled write must not keep us from the cleanup below.
      void write({ event: 'state', id: STATE_EVENT_ID, data: JSON.stringify({ state: 'waiting' }) }).then(check);
      await finished;
    } finally {
      done = true;
      clearInterval(heartbeat);
      stopWatchingStore?.();
      deps.shutdown.removeEventListener('abort', finish);
      clearTimeout(expiry);
      unsubscribe();
      await store.closeStream(streamId);
    }
  }
}
