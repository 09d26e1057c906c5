/**
 * The ticket of a route that takes one as `Authorization: Bearer <ticket>`:
 * a host ticket on the employee's side (/agent/*), a guest ticket on the
 * resident's requests (/requests/*). One check for every such route: 503
 * without IDC_TICKET_SECRET, 401 with WWW-Authenticate for a missing or
 * refused ticket. A ticket never travels in a URL.
 */
import type { Context } from 'hono';
import type { AppContext } from '../context.ts';
import { bearerToken } from '../http/bearer.ts';
import { errorResponse } from '../http/errors.ts';
import { TicketError, verifyTicket, type TicketKind, type VerifiedTicket } from './tickets.ts';

const REALM: Record<TicketKind, string> = { host: 'id-contact agent', guest: 'id-contact resident' };
const SIDE: Record<TicketKind, string> = { host: 'the employee\'s side', guest: 'a request to verify' };

/** The verified ticket, or the refusal to answer with. */
export async function bearerTicket(
  c: Context,
  { config, deps }: Pick<AppContext, 'config' | 'deps'>,
  kind: TicketKind,
): Promise<VerifiedTicket | Response> {
  if (!config.ticketSecret) {
    return errorResponse(c, 503, 'not_configured', `${SIDE[kind]} needs IDC_TICKET_SECRET`);
  }
  const token = bearerToken(c.req.header('Authorization'));
  if (token === undefined) {
    c.header('WWW-Authenticate', `Bearer realm="${REALM[kind]}"`);
    return errorResponse(c, 401, 'ticket_required', `a ${kind} ticket is required (Authorization: Bearer)`);
  }
  try {
    return await verifyTicket(token, kind, config.ticketSecret, deps.now());
  } catch (error) {
    if (!(error instanceof TicketError)) throw error;
    c.header('WWW-Authenticate', `Bearer realm="${REALM[kind]}", error="invalid_token"`);
    return errorResponse(c, 401, error.code, error.message);
  }
}
