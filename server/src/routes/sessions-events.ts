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
import type { AppContext } from '../context.ts';
import { EventStream } from '../streams/event-stream.ts';
import { LiveStream } from '../streams/live-stream.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { matchesDigest, randomSecret } from '../crypto/secrets.ts';
import { isRefused, isReleased, settle } from '../results/binding.ts';
import { markResultDelivered, residentView } from '../results/resident-view.ts';

export const STATE_EVENT_ID = '1';
export const FINAL_EVENT_ID = '2';

export function eventsRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const { store } = deps;

  return new Hono().get('/:id/events', async (c) => {
    const id = c.req.param('id');
    const session = await store.get(id);
    if (!session) return errorResponse(c, 404, 'unknown_session', 'no such session, or it has ended');
    if (!matchesDigest(c.req.query('token'), session.streamTokenDigest)) {
      return errorResponse(c, 403, 'invalid_token', 'the stream token does not match this session');
    }
    if (isRefused(session) && c.req.header('Last-Event-ID') === FINAL_EVENT_ID) return c.body(null, 204);
    if (isReleased(session) && (session.attributesPurged || c.req.header('Last-Event-ID') === FINAL_EVENT_ID)) {
      // The widget has the result: its attributes need not stay; a login session stays for logout.
      if (session.result?.sessionUrl) await store.purgeAttributes(id);
      else await store.delete(id);
      return c.body(null, 204);
    }

    const streamId = randomSecret();
    if (deps.shutdown.aborted || !(await store.openStream(streamId, config.maxStreams, id))) {
      return busyResponse(c, 'too_many_streams', 'the service has too many open streams; try again shortly', 10);
    }

    const { stream, response } = EventStream.open(c, {});
    new SessionStream(context, stream, id, streamId, session.expiresAt).start();
    return response;
  });
}

/**
 * One resident's stream: `state` at once, then the final event when the session has one.
 * Its state is this object's fields; the shared heartbeat and deadline timers call it.
 */
class SessionStream extends LiveStream {
  private done = false;
  private checking = Promise.resolve();

  constructor(
    context: AppContext,
    stream: EventStream,
    private readonly id: string,
    streamId: string,
    private readonly expiresAt: number,
  ) {
    super(context, stream, streamId, 'resident');
  }

  start(): void {
    const { deps, streams } = this.context;
    // Subscribed first: a result that arrives while the stream opens is not missed.
    this.onCleanUp(
      deps.store.subscribe(this.id, (change) => {
        if (change.type === 'stream') {
          if (change.streamId !== this.streamId) this.stream.end();
        } else void this.check();
      }),
      streams.deadlines.add(this.expiresAt + 5, () => void this.check()),
    );
    if (!this.open()) return;
    this.stream.send({ event: 'state', id: STATE_EVENT_ID, data: JSON.stringify({ state: 'waiting' }) });
    void this.check();
  }

  /**
   * Looks at the session and sends the final event if there is one. Serialised, so a
   * wake-up racing the first check cannot send two final events.
   */
  private check(): Promise<void> {
    const { deps } = this.context;
    this.checking = this.checking
      .then(async () => {
        if (this.done) return;
        const current = await deps.store.get(this.id);
        if (this.done) return;
        const view = residentView(current, deps.now().getTime());
        switch (view.state) {
          case 'waiting':
            // A result waiting for its release: the release wakes this stream.
            if (view.release) await settle(this.context, this.id);
            return;
          case 'result':
            this.done = true;
            this.stream.send({ event: 'result', id: FINAL_EVENT_ID, data: JSON.stringify(view.result) });
            if (view.delivers) await markResultDelivered(this.context, current!);
            this.stream.end();
            return;
          case 'expired':
            this.done = true;
            this.stream.send({ event: 'expired', id: FINAL_EVENT_ID, data: '{}' });
            this.stream.end();
            return;
          case 'delivered':
            // Its attributes went while this stream opened: the reconnect is answered 204.
            this.done = true;
            this.stream.end();
        }
      })
      .catch((error: unknown) => {
        // The store is away: end the stream, its client reconnects (here or elsewhere).
        deps.logger.warn('stream ended: store unavailable', { reason: error instanceof Error ? error.name : 'unknown' });
        this.stream.end();
      });
    return this.checking;
  }

  protected override cleanUp(): void {
    this.done = true;
    super.cleanUp();
  }
}
