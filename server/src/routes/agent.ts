/**
 * The employee's side, authorised by a host ticket (`Authorization: Bearer`):
 * who the residents of one conversation are, verified by this backend.
 *
 * - `GET /agent/identities`: the conversation's identities, oldest first.
 * - `GET /agent/events`: the same as server-sent events, one `identity` event
 *   per identity at connect, then one per change; a `request` event with the
 *   conversation's request to verify at connect (when there is one) and on
 *   each change, its lapse included (see agent-requests.ts);
 *   `ticket_expired` and the end of the stream when the ticket runs out.
 * - `DELETE /agent/identities`: the employee is done; every attribute of the
 *   conversation is deleted now (queued webhooks carrying them too), and the
 *   identities show as `forgotten`, for good; a webhook says so for each.
 *
 * Nothing of another conversation is ever visible: the ticket names the one.
 */
import { Hono, type Context } from 'hono';
import type { AppContext } from '../context.ts';
import { EventStream } from '../streams/event-stream.ts';
import { LiveStream } from '../streams/live-stream.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { wireIdentity } from '../conversation/identity-feed.ts';
import type { AgentIdentitiesResponse, CurrentRequest } from '../protocol.ts';
import { refuseBodyOver, BODY_LIMITS } from '../http/request-body.ts';
import { randomSecret } from '../crypto/secrets.ts';
import type { IdentityRecord } from '../store/session-store.ts';
import type { VerifiedTicket } from '../conversation/tickets.ts';
import { bearerTicket } from '../conversation/bearer-tickets.ts';
import { watchRequest, wireRequest } from '../conversation/verification-requests.ts';

export function agentRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const { store, logger } = deps;
  const keepMs = config.agentRetentionSeconds * 1000;

  const hostTicket = (c: Context) => bearerTicket(c, context, 'host');

  return new Hono()
    .get('/identities', async (c) => {
      const ticket = await hostTicket(c);
      if (ticket instanceof Response) return ticket;
      const now = deps.now().getTime();
      const records = await store.listIdentities(ticket.conversation);
      const answer: AgentIdentitiesResponse = {
        conversation: ticket.conversation,
        identities: records.map((record) => wireIdentity(record, now)),
      };
      return c.json(answer, 200, { 'Cache-Control': 'no-store' });
    })
    .delete('/identities', refuseBodyOver(BODY_LIMITS.none), async (c) => {
      const ticket = await hostTicket(c);
      if (ticket instanceof Response) return ticket;
      const outcomes = await store.forgetConversation(ticket.conversation, keepMs);
      // The resident's side lets go of them too (again on a retry); its session stays for logout, without attributes.
      await Promise.all(outcomes.map(({ record }) => store.purgeAttributes(record.sessionId)));
      // Webhooks: a notice per identity this call forgot, and none still queued with attributes.
      await context.identities.forgotten(ticket.conversation, outcomes.filter(({ changed }) => changed).map(({ record }) => record));
      logger.info('conversation forgotten', { identities: outcomes.length });
      return c.body(null, 204, { 'Cache-Control': 'no-store' });
    })
    .get('/events', async (c) => {
      const ticket = await hostTicket(c);
      if (ticket instanceof Response) return ticket;
      const streamId = randomSecret();
      // Per conversation too, counted across instances: one host ticket cannot hold every slot.
      const slot = deps.shutdown.aborted
        ? 'full'
        : await store.openGroupStream(streamId, config.maxStreams, { name: `agent:${ticket.conversation}`, max: config.agentStreamsPerConversation });
      if (slot === 'group_full') {
        return errorResponse(c, 429, 'too_many_agent_streams', 'this conversation has too many open employee streams (IDC_AGENT_STREAMS_PER_CONVERSATION); close one first');
      }
      if (slot === 'full') {
        return busyResponse(c, 'too_many_streams', 'the service has too many open streams; try again shortly', 10);
      }
      const { stream, response } = EventStream.open(c, {});
      new AgentStream(context, stream, ticket, streamId).start();
      return response;
    });
}

const LIVE: ReadonlySet<IdentityRecord['status']> = new Set(['waiting', 'verified']);

/**
 * One employee console's stream: the conversation's identities at connect, then every change,
 * each lapse (a waiting login ending, verified details running out) and, at the ticket's end,
 * `ticket_expired`. Heartbeats and deadlines run on the app's shared stream timers.
 */
class AgentStream extends LiveStream {
  private eventId = 0;
  /** What the console was last shown, to tell it when a login or its details lapse. */
  private readonly shown = new Map<string, IdentityRecord>();
  private cancelLapse?: () => void;
  private lapseAt = Infinity;

  constructor(
    context: AppContext,
    stream: EventStream,
    private readonly ticket: VerifiedTicket,
    streamId: string,
  ) {
    super(context, stream, streamId, 'agent');
  }

  start(): void {
    const { deps, streams } = this.context;
    const { store } = deps;
    this.onCleanUp(
      store.subscribeConversation(this.ticket.conversation, (record) => this.show(record)),
      streams.deadlines.add(this.ticket.expiresAt.getTime(), () => {
        this.send('ticket_expired', '{}');
        this.stream.end();
      }),
      () => this.cancelLapse?.(),
    );
    if (!this.open()) return;
    this.onCleanUp(
      watchRequest(
        this.context,
        this.ticket.conversation,
        (record) => {
          // At connect only when there is one; then every change.
          if (record) this.send('request', JSON.stringify({ request: wireRequest(record, deps.now().getTime()) } satisfies CurrentRequest));
        },
        () => this.stream.end(),
      ),
    );
    store.listIdentities(this.ticket.conversation).then(
      (records) => {
        for (const record of records) {
          // A change that came while listing is newer than the list.
          if ((this.shown.get(record.id)?.updatedAt ?? -1) < record.updatedAt) this.show(record);
        }
      },
      (error: unknown) => {
        deps.logger.warn('agent stream ended: store unavailable', { reason: error instanceof Error ? error.name : 'unknown' });
        this.stream.end();
      },
    );
  }

  private send(event: string, data: string): void {
    this.stream.send({ event, id: String(++this.eventId), data });
  }

  private show(record: IdentityRecord): void {
    if (this.stream.isEnded) return;
    this.shown.set(record.id, record);
    this.send('identity', JSON.stringify(wireIdentity(record, this.context.deps.now().getTime())));
    this.scheduleLapse();
  }

  /** One deadline for the next login or details to lapse; at it, the console is told. */
  private scheduleLapse(): void {
    const now = this.context.deps.now().getTime();
    let next = Infinity;
    for (const record of this.shown.values()) {
      if (LIVE.has(record.status) && record.until > now && record.until < next) next = record.until;
    }
    if (next === this.lapseAt) return;
    this.cancelLapse?.();
    this.cancelLapse = undefined;
    this.lapseAt = next;
    if (!Number.isFinite(next)) return;
    this.cancelLapse = this.context.streams.deadlines.add(next + 5, () => {
      this.cancelLapse = undefined;
      this.lapseAt = Infinity;
      const at = this.context.deps.now().getTime();
      for (const record of this.shown.values()) {
        if (LIVE.has(record.status) && record.until <= at && record.until > now) {
          this.send('identity', JSON.stringify(wireIdentity(record, at)));
        }
      }
      this.scheduleLapse();
    });
  }
}
