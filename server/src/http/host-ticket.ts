/**
 * The host ticket of a request to the employee's side (`Authorization: Bearer`), verified; or the
 * 401 (503 without IDC_TICKET_SECRET) to answer instead. Every refused ticket is an audit record
 * (`access.denied`, agent "unknown": nothing in a refused ticket is believed), so repeated tries
 * with stolen or forged tickets show in the log a SIEM reads.
 */
import type { Context } from 'hono';
import type { AppContext } from '../context.ts';
import { errorResponse } from './errors.ts';
import { bearerToken } from './bearer.ts';
import { TicketError, verifyTicket, type VerifiedTicket } from '../conversation/tickets.ts';

export async function hostTicket({ config, deps }: AppContext, c: Context): Promise<VerifiedTicket | Response> {
  if (!config.ticketSecret) {
    return errorResponse(c, 503, 'not_configured', 'the employee\'s side needs IDC_TICKET_SECRET');
  }
  const token = bearerToken(c.req.header('Authorization'));
  if (token === undefined) {
    deps.audit.record({ action: 'access.denied', outcome: 'ticket_required' });
    c.header('WWW-Authenticate', 'Bearer realm="id-contact agent"');
    return errorResponse(c, 401, 'ticket_required', 'a host ticket is required (Authorization: Bearer)');
  }
  try {
    return await verifyTicket(token, 'host', config.ticketSecret, deps.now());
  } catch (error) {
    if (!(error instanceof TicketError)) throw error;
    deps.audit.record({ action: 'access.denied', outcome: error.code });
    c.header('WWW-Authenticate', `Bearer realm="id-contact agent", error="invalid_token"`);
    return errorResponse(c, 401, error.code, error.message);
  }
}
