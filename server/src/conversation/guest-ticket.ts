/**
 * The guest ticket a resident's widget brings to `POST /sessions` and
 * `POST /sessions/attach` when IDC_TICKET_SECRET is set: it binds the session
 * to the site's conversation, so the employee's side of that conversation
 * sees the login. Without IDC_TICKET_SECRET, sessions are unbound, as before.
 *
 * A ticket that names a purpose allows logins for that purpose, and for the
 * purpose of a pending request the conversation's employee made: the site's
 * own employee asked for it (POST /agent/requests, host ticket).
 */
import type { Context } from 'hono';
import type { AppContext } from '../context.ts';
import { errorResponse } from '../http/errors.ts';
import { TicketError, verifyTicket } from './tickets.ts';

/** The conversation to bind to; undefined when tickets are not in use; or the refusal. */
export async function guestConversation(
  c: Context,
  { config, deps }: Pick<AppContext, 'config' | 'deps'>,
  ticket: string | undefined,
  purpose: string,
): Promise<string | undefined | Response> {
  if (!config.ticketSecret) return undefined;
  if (ticket === undefined) return errorResponse(c, 401, 'ticket_required', 'ticket: a guest ticket from the site is required');
  try {
    const verified = await verifyTicket(ticket, 'guest', config.ticketSecret, deps.now());
    if (verified.purpose !== undefined && verified.purpose !== purpose && !(await requestedFor(verified.conversation, purpose))) {
      return errorResponse(c, 403, 'purpose_mismatch', 'ticket: the ticket is for another purpose');
    }
    return verified.conversation;
  } catch (error) {
    if (!(error instanceof TicketError)) throw error;
    return errorResponse(c, 401, 'invalid_ticket', `ticket: ${error.message}`);
  }

  async function requestedFor(conversation: string, purpose: string): Promise<boolean> {
    const request = await deps.store.getRequest(conversation);
    return request?.status === 'pending' && request.purpose === purpose && request.expiresAt > deps.now().getTime();
  }
}
