/**
 * `POST /sessions/attach`: the chat page, opened by a core-initiated session,
 * exchanges the one-time reference from its URL for the session's stream.
 * The reference is spent by the exchange, so whoever sees the chat URL later
 * (history, a shared link, a Referer) gets nothing. A `?result=` the chat URL
 * carried comes along and is verified here, never trusted in the browser.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { allowedOriginOnly } from '../http/allowed-origin.ts';
import { errorResponse } from '../http/errors.ts';
import { sessionStartLimit } from '../http/rate-limit.ts';
import { BODY_LIMITS, readJsonBody } from '../http/request-body.ts';
import { AttachSessionRequest, type AttachSessionResponse } from '../protocol.ts';
import { takeResult } from '../results/intake.ts';
import { guestConversation } from '../conversation/guest-ticket.ts';
import { digest, randomSecret } from '../crypto/secrets.ts';

export function attachRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const gone = 'this link to a conversation has been used already or has expired';

  return new Hono().post('/attach', allowedOriginOnly(config.allowedOrigins), sessionStartLimit(context), async (c) => {
    const request = await readJsonBody(c, AttachSessionRequest, '{"reference","result"?,"ticket"?}', BODY_LIMITS.withResult);
    if (request instanceof Response) return request;
    const { reference, result } = request;

    const session = await deps.store.getByReference(reference);
    if (!session) return errorResponse(c, 404, 'unknown_reference', gone);
    const conversation = await guestConversation(c, context, request.ticket, session.purpose);
    if (conversation instanceof Response) return conversation;
    // A session that has its result keeps it (it was verified then): a carried one is ignored.
    if (result !== undefined && !session.result) {
      // Verified before the reference is spent: a bad result changes nothing.
      const outcome = await takeResult(context, session, result, 'chat_url');
      if (!outcome.accepted) return errorResponse(c, outcome.status, outcome.error, `result: ${outcome.message}`);
    }

    const token = randomSecret();
    const attached = await deps.store.spendReference(reference, digest(token), conversation);
    if (!attached) return errorResponse(c, 404, 'unknown_reference', gone);
    await context.identities.started(attached);
    if (conversation !== undefined) await context.requests.loginStarted(conversation, attached.purpose, attached.identityId);
    const answer: AttachSessionResponse = {
      session_id: attached.id,
      events_url: `${config.publicUrl}/sessions/${attached.id}/events?token=${token}`,
    };
    return c.json(answer, 200, { 'Cache-Control': 'no-store' });
  });
}
