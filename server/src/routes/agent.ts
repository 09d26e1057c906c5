/**
 * The employee's side, authorised by a host ticket (`Authorization: Bearer`):
 * who the residents of one conversation are, verified by this backend.
 *
 * - `GET /agent/identities`: the conversation's identities, oldest first.
 * - `GET /agent/events`: the same as server-sent events, one `identity` event
 *   per identity at connect, then one per change; `ticket_expired` and the end
 *   of the stream when the ticket runs out.
 * - `DELETE /agent/identities`: the employee is done; every attribute of the
 *   conversation is deleted now, and the identities show as `forgotten`.
 *
 * Nothing of another conversation is ever visible: the ticket names the one.
 */
import { Hono, type Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppContext } from '../context.ts';
import { busyResponse, errorResponse } from '../errors.ts';
import { wireIdentity } from '../identity-feed.ts';
import type { AgentIdentitiesResponse } from '../protocol.ts';
import { refuseBodyOver, BODY_LIMITS } from '../request-body.ts';
import { randomSecret } from '../secrets.ts';
import type { IdentityRecord } from '../store/session-store.ts';
import { TicketError, verifyTicket, type VerifiedTicket } from '../tickets.ts';

export function agentRoutes({ config, deps }: AppContext): Hono {
  const { store, logger } = deps;
  const keepMs = config.agentRetentionSeconds * 1000;

  async function hostTicket(c: Context): Promise<VerifiedTicket | Response> {
    if (!config.ticketSecret) {
      return errorResponse(c, 503, 'not_configured', 'the employee\'s side needs IDC_TICKET_SECRET');
    }
    const token = /^Bearer (\S+)$/.exec(c.req.header('Authorization') ?? '')?.[1];
    if (token === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="id-contact agent"');
      return errorResponse(c, 401, 'ticket_required', 'a host ticket is required (Authorization: Bearer)');
    }
    try {
      return await verifyTicket(token, 'host', config.ticketSecret, deps.now());
    } catch (error) {
      if (!(error instanceof TicketError)) throw error;
      c.header('WWW-Authenticate', `Bearer realm="id-contact agent", error="invalid_token"`);
      return errorResponse(c, 401, error.code, error.message);
    }
  }

  return new Hono()
    .get('/identities', async (c) => {
      const ticket = await hostTicket(c);
      if (ticket instanceof Response) return ticket;
      const now = Date.now();
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
      const forgotten = await store.forgetConversation(ticket.conversation, keepMs);
      // The resident's side lets go of them too; its session stays for logout, without attributes.
      await Promise.all(forgotten.map((record) => store.purgeAttributes(record.sessionId)));
      logger.info('conversation forgotten', { identities: forgotten.length });
      return c.body(null, 204, { 'Cache-Control': 'no-store' });
    })
    .get('/events', async (c) => {
      const ticket = await hostTicket(c);
      if (ticket instanceof Response) return ticket;
      const streamId = randomSecret();
      if (deps.shutdown.aborted || !(await store.openStream(streamId, config.maxStreams))) {
        return busyResponse(c, 'too_many_streams', 'the service has too many open streams; try again shortly', 10);
      }
      c.header('X-Accel-Buffering', 'no');
      const response = streamSSE(
        c,
        (stream) => runAgentStream(stream, ticket, streamId),
        async (error) => logger.error('agent stream failed', { reason: error.name }),
      );
      response.headers.set('Cache-Control', 'no-store');
      return response;
    });

  async function runAgentStream(stream: SSEStreamingApi, ticket: VerifiedTicket, streamId: string): Promise<void> {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let eventId = 0;
    let writing = Promise.resolve();
    let writesPending = 0;
    /** What the console was last shown, to tell it when a login or its details lapse. */
    const shown = new Map<string, IdentityRecord>();
    let lapseTimer: NodeJS.Timeout | undefined;

    // Writes in order; a stalled one must not keep the cleanup below from running.
    function write(message: { event: string; data: string } | string): void {
      writesPending += 1;
      writing = writing
        .then(async () => {
          if (typeof message === 'string') await stream.write(message);
          else await stream.writeSSE({ ...message, id: String(++eventId) });
        })
        .then(() => undefined, finish)
        .finally(() => {
          writesPending -= 1;
          if (stream.aborted) finish();
        });
    }

    function show(record: IdentityRecord): void {
      shown.set(record.id, record);
      write({ event: 'identity', data: JSON.stringify(wireIdentity(record, Date.now())) });
      scheduleLapse();
    }

    // One timer for the next login or details to lapse (a waiting session ending, retention running out).
    function scheduleLapse(): void {
      clearTimeout(lapseTimer);
      const now = Date.now();
      const next = Math.min(
        ...[...shown.values()]
          .filter((record) => (record.status === 'waiting' || record.status === 'verified') && record.until > now)
          .map((record) => record.until),
      );
      if (!Number.isFinite(next)) return;
      lapseTimer = setTimeout(() => {
        const at = Date.now();
        for (const record of shown.values()) {
          if ((record.status === 'waiting' || record.status === 'verified') && record.until <= at && record.until > now) {
            write({ event: 'identity', data: JSON.stringify(wireIdentity(record, at)) });
          }
        }
        scheduleLapse();
      }, next - now + 5);
    }

    const unsubscribe = store.subscribeConversation(ticket.conversation, show);
    const ticketTimer = setTimeout(() => {
      write({ event: 'ticket_expired', data: '{}' });
      void writing.then(finish);
    }, Math.max(0, ticket.expiresAt.getTime() - Date.now()));
    const heartbeat = setInterval(() => {
      // A heartbeat still unsent after a whole interval means nobody is reading.
      if (writesPending > 0) finish();
      else write(': heartbeat\n\n');
    }, deps.heartbeatMs);
    stream.onAbort(finish);
    const stopWatchingStore = store.onUnavailable?.(finish);
    deps.shutdown.addEventListener('abort', finish);
    deps.metrics.streamsOpen.inc({ kind: 'agent' });
    try {
      for (const record of await store.listIdentities(ticket.conversation)) {
        // A change that came while listing is newer than the list.
        if ((shown.get(record.id)?.updatedAt ?? -1) < record.updatedAt) show(record);
      }
      await finished;
    } finally {
      deps.metrics.streamsOpen.dec({ kind: 'agent' });
      clearTimeout(ticketTimer);
      clearTimeout(lapseTimer);
      clearInterval(heartbeat);
      stopWatchingStore?.();
      deps.shutdown.removeEventListener('abort', finish);
      unsubscribe();
      await store.closeStream(streamId).catch(() => {
        // Unreachable store: the slot's lease runs out by itself.
      });
    }
  }
}
