/**
 * The resident's side of a request to verify, authorised by the guest ticket
 * of the conversation (`Authorization: Bearer <guest ticket>`, never in a URL):
 *
 * - `GET /requests/events`: server-sent events. A `request` event with the
 *   conversation's request (or `{"request":null}`) at once, so the widget
 *   knows the stream arrived, then one on every change, its lapse included;
 *   `ticket_expired` and the end at the ticket's expiry. Counted in
 *   IDC_MAX_STREAMS, and per conversation (IDC_REQUEST_STREAMS_PER_CONVERSATION).
 * - `GET /requests/current`: the same as JSON, for a widget whose stream does
 *   not arrive (a buffering proxy).
 * - `POST /requests/:id/decline`: the resident says no. 204; 404
 *   `unknown_request` when the conversation's request has another id (another
 *   conversation's is simply unknown); 409 `request_not_pending` once it is
 *   settled or has lapsed.
 *
 * The resident's form has no `identity_id`. The two JSON routes count
 * READS_PER_MINUTE per conversation (429 with Retry-After past it).
 */
import { Hono, type Context } from 'hono';
import type { AppContext } from '../context.ts';
import { bearerTicket } from '../conversation/bearer-tickets.ts';
import type { VerifiedTicket } from '../conversation/tickets.ts';
import { watchRequest, wireRequest } from '../conversation/verification-requests.ts';
import { randomSecret } from '../crypto/secrets.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { BODY_LIMITS, refuseBodyOver } from '../http/request-body.ts';
import type { CurrentRequest } from '../protocol.ts';
import { EventStream } from '../streams/event-stream.ts';
import { LiveStream } from '../streams/live-stream.ts';
import type { RequestRecord } from '../store/session-store.ts';

/** Reads and declines per conversation and minute: a widget polling every few seconds stays well under. */
export const READS_PER_MINUTE = 60;
const MINUTE_MS = 60_000;
/** Request ids are 43 characters (crypto/secrets.ts): anything much longer is no id of ours. */
const MAX_ID_LENGTH = 100;

const residentForm = (record: RequestRecord | undefined, now: number): CurrentRequest => ({
  request: record ? wireRequest(record, now, { forResident: true }) : null,
});

export function residentRequestsRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const { store } = deps;

  /** The guest ticket, counted against the conversation's reads; or the refusal. */
  async function countedTicket(c: Context): Promise<VerifiedTicket | Response> {
    const ticket = await bearerTicket(c, context, 'guest');
    if (ticket instanceof Response) return ticket;
    const { count, resetAt } = await store.hit(`resident-requests:${ticket.conversation}`, MINUTE_MS);
    if (count <= READS_PER_MINUTE) return ticket;
    deps.metrics.rateLimited.inc({ route: c.req.routePath });
    c.header('Retry-After', String(Math.max(1, Math.ceil((resetAt - deps.now().getTime()) / 1000))));
    return errorResponse(c, 429, 'rate_limited', 'too many requests from this conversation; try again in a minute');
  }

  return new Hono()
    .get('/events', async (c) => {
      const ticket = await bearerTicket(c, context, 'guest');
      if (ticket instanceof Response) return ticket;
      const streamId = randomSecret();
      const slot = deps.shutdown.aborted
        ? 'full'
        : await store.openGroupStream(streamId, config.maxStreams, { name: `requests:${ticket.conversation}`, max: config.requestStreamsPerConversation });
      if (slot === 'group_full') {
        return errorResponse(c, 429, 'too_many_request_streams', 'this conversation has too many open request streams (IDC_REQUEST_STREAMS_PER_CONVERSATION); close one first');
      }
      if (slot === 'full') {
        return busyResponse(c, 'too_many_streams', 'the service has too many open streams; try again shortly', 10);
      }
      const { stream, response } = EventStream.open(c, {});
      new ResidentRequestStream(context, stream, ticket, streamId).start();
      return response;
    })
    .get('/current', async (c) => {
      const ticket = await countedTicket(c);
      if (ticket instanceof Response) return ticket;
      const record = await store.getRequest(ticket.conversation);
      return c.json(residentForm(record, deps.now().getTime()), 200, { 'Cache-Control': 'no-store' });
    })
    .post('/:id/decline', refuseBodyOver(BODY_LIMITS.none), async (c) => {
      const ticket = await countedTicket(c);
      if (ticket instanceof Response) return ticket;
      const id = c.req.param('id') ?? '';
      const outcome = id.length > MAX_ID_LENGTH ? 'unknown' : await context.requests.decline(ticket.conversation, id);
      if (outcome === 'unknown') return errorResponse(c, 404, 'unknown_request', 'no such request in this conversation');
      if (outcome === 'not_pending') return errorResponse(c, 409, 'request_not_pending', 'the request has been answered or has expired');
      return c.body(null, 204, { 'Cache-Control': 'no-store' });
    });
}

/** One resident widget's stream of its conversation's request. */
class ResidentRequestStream extends LiveStream {
  private eventId = 0;

  constructor(
    context: AppContext,
    stream: EventStream,
    private readonly ticket: VerifiedTicket,
    streamId: string,
  ) {
    super(context, stream, streamId, 'resident');
  }

  start(): void {
    const { deps, streams } = this.context;
    this.onCleanUp(
      streams.deadlines.add(this.ticket.expiresAt.getTime(), () => {
        this.send('ticket_expired', '{}');
        this.stream.end();
      }),
    );
    if (!this.open()) return;
    this.onCleanUp(
      watchRequest(
        this.context,
        this.ticket.conversation,
        (record) => this.send('request', JSON.stringify(residentForm(record, deps.now().getTime()))),
        (error) => {
          deps.logger.warn('request stream ended: store unavailable', { reason: error instanceof Error ? error.name : 'unknown' });
          this.stream.end();
        },
      ),
    );
  }

  private send(event: string, data: string): void {
    if (this.stream.isEnded) return;
    this.stream.send({ event, id: String(++this.eventId), data });
  }
}
