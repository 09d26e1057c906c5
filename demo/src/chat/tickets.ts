/**
 * Tickets as the municipality's own server mints them: HS256 JWTs signed with
 * the secret it shares with the backend (IDC_TICKET_SECRET), saying which
 * conversation a resident's widget (guest) or an employee's console (host)
 * belongs to. This is the whole of what a site has to write.
 */
import { SignJWT } from 'jose';

/** A resident's page is reloaded now and then; a ticket outliving the chat is no use to anyone. */
export const GUEST_TICKET_SECONDS = 2 * 3600;
/** About a working day: the console page is left open. */
export const HOST_TICKET_SECONDS = 8 * 3600;

export type TicketKind = 'guest' | 'host';

export interface TicketMinter {
  /**
   * `expiresInSeconds` may be negative (an expired ticket, for trying the console's message).
   * `agent`: a host ticket's employee id, which the backend's audit log records for every look.
   */
  mint(kind: TicketKind, conversation: string, options?: { purpose?: string; agent?: string; expiresInSeconds?: number }): Promise<string>;
}

export function ticketMinter(secret: string): TicketMinter {
  const key = new TextEncoder().encode(secret);
  return {
    mint(kind, conversation, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const lifetime = options.expiresInSeconds ?? (kind === 'guest' ? GUEST_TICKET_SECONDS : HOST_TICKET_SECONDS);
      const claims = { conversation, ...(options.purpose ? { purpose: options.purpose } : {}), ...(options.agent ? { agent: options.agent } : {}) };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(kind === 'guest' ? 'id-contact-guest' : 'id-contact-host')
        .setIssuedAt(now)
        .setExpirationTime(now + lifetime)
        .sign(key);
    },
  };
}
