/**
 * The employee asks the conversation's resident to log in ("ask to verify"),
 * authorised by a host ticket (`Authorization: Bearer`), as agent.ts is:
 *
 * - `POST /agent/requests` `{"purpose"}`: 201 with the request, pending until
 *   a login for that purpose starts in the conversation, the resident
 *   declines, or IDC_REQUEST_TTL_SECONDS pass. 409 `request_pending` while
 *   another is pending; 400 `unknown_purpose` for a purpose the core does not
 *   know (a purpose of the wrong shape never reaches the core). A webhook
 *   `verification.requested` goes out. At most REQUESTS_PER_MINUTE tries per
 *   conversation.
 * - `GET /agent/requests`: the conversation's latest request, or null.
 *
 * The employee's stream (`GET /agent/events`) shows each change as a
 * `request` event; the resident's side is resident-requests.ts.
 */
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppContext } from '../context.ts';
import { bearerTicket } from '../conversation/bearer-tickets.ts';
import { wireRequest } from '../conversation/verification-requests.ts';
import { busyResponse, errorResponse } from '../http/errors.ts';
import { BODY_LIMITS, readJsonBody } from '../http/request-body.ts';
import { CreateVerificationRequest, type CurrentRequest } from '../protocol.ts';
import { CoreBusyError, CoreError, UnknownPurposeError } from '../upstream/core-client.ts';
import { PURPOSE_PATTERN, sessionOptionsCache } from '../upstream/session-options-cache.ts';

/** Tries to open a request, per conversation and minute: an employee asks once, maybe again. */
export const REQUESTS_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

export function agentRequestsRoutes(context: AppContext): Hono {
  const { deps } = context;
  const options = sessionOptionsCache(context);

  return new Hono()
    .post('/requests', async (c) => {
      const ticket = await bearerTicket(c, context, 'host');
      if (ticket instanceof Response) return ticket;
      const { conversation, agent } = ticket;
      const refuse = (status: ContentfulStatusCode, code: string, message: string) => {
        context.audit.record({ action: 'request.create', agent, conversation, outcome: code });
        return errorResponse(c, status, code, message);
      };

      const body = await readJsonBody(c, CreateVerificationRequest, '{"purpose"}', BODY_LIMITS.createRequest);
      if (body instanceof Response) {
        context.audit.record({ action: 'request.create', agent, conversation, outcome: 'invalid_request' });
        return body;
      }
      const { purpose } = body;
      if (!PURPOSE_PATTERN.test(purpose)) return refuse(400, 'invalid_request', 'purpose: invalid');

      // Counted before the core is asked: a console cannot make the core busy for others.
      const { count, resetAt } = await deps.store.hit(`agent-requests:${conversation}`, MINUTE_MS);
      if (count > REQUESTS_PER_MINUTE) {
        deps.metrics.rateLimited.inc({ route: '/agent/requests' });
        c.header('Retry-After', String(retryAfterSeconds(resetAt, deps.now().getTime())));
        return refuse(429, 'rate_limited', 'too many requests to verify in this conversation; try again in a minute');
      }

      let purposeName: string | undefined;
      try {
        purposeName = (await options.get(purpose)).name;
      } catch (error) {
        const refused = coreRefusal(c, context, error);
        if (!refused) throw error;
        context.audit.record({ action: 'request.create', agent, conversation, outcome: refused.code });
        return refused.response;
      }

      const opened = await context.requests.open(conversation, purpose, purposeName);
      if (opened === 'exists') {
        return refuse(409, 'request_pending', 'this conversation has a pending request to verify; wait until it is answered or expires');
      }
      context.audit.record({ action: 'request.create', agent, conversation, identity: opened.id, outcome: 'created' });
      return c.json(wireRequest(opened, deps.now().getTime()), 201, { 'Cache-Control': 'no-store' });
    })
    .get('/requests', async (c) => {
      const ticket = await bearerTicket(c, context, 'host');
      if (ticket instanceof Response) return ticket;
      const record = await deps.store.getRequest(ticket.conversation);
      const answer: CurrentRequest = { request: record ? wireRequest(record, deps.now().getTime()) : null };
      return c.json(answer, 200, { 'Cache-Control': 'no-store' });
    });
}

function retryAfterSeconds(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/** The answer to a failed ask for the purpose's options, or undefined for an error that is not the core's. */
function coreRefusal(c: Context, { deps }: AppContext, error: unknown): { code: string; response: Response } | undefined {
  if (error instanceof UnknownPurposeError) {
    return { code: 'unknown_purpose', response: errorResponse(c, 400, 'unknown_purpose', 'purpose: the ID Contact core does not know this purpose') };
  }
  if (error instanceof CoreBusyError) return { code: 'core_busy', response: busyResponse(c, 'core_busy', error.message, 5) };
  if (error instanceof CoreError) {
    deps.logger.warn('core unavailable', { route: 'agent/requests', reason: error.message });
    return { code: 'core_unavailable', response: errorResponse(c, 502, 'core_unavailable', error.message) };
  }
  return undefined;
}
