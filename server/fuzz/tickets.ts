/**
 * Tickets as a site's server mints them, so the fuzz reaches the ticketed
 * routes (the employee's side, the resident's requests) and binds its logins
 * to conversations: a few conversations, their guest tickets (with and
 * without a purpose) and host tickets (with and without an employee id),
 * made once per run and picked by each case's random, so a seed replays.
 */
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';
import type { Random } from './random.ts';

const CONVERSATIONS = 6;
/** Longer than any run; a ticket's lifetime is at most a day. */
const LIFETIME_SECONDS = 6 * 3600;

export class FuzzTickets {
  private constructor(
    /** IDC_TICKET_SECRET of the fuzzed backend. */
    readonly secret: string,
    private readonly guests: string[],
    private readonly hosts: string[],
  ) {}

  static async make(): Promise<FuzzTickets> {
    const secret = newTicketSecret();
    const conversations = Array.from({ length: CONVERSATIONS }, (_, i) => `fuzz-conversation-${i}`);
    const mint = (kind: 'guest' | 'host', conversation: string, extra: { purpose?: string; agent?: string } = {}) =>
      mintTicket(kind, secret, {
        conversation,
        expiresIn: LIFETIME_SECONDS,
        ...(extra.purpose ? { purpose: extra.purpose } : {}),
        ...(extra.agent ? { claims: { agent: extra.agent } } : {}),
      });
    const guests = await Promise.all(conversations.flatMap((c) => [mint('guest', c), mint('guest', c, { purpose: 'report_move' })]));
    const hosts = await Promise.all(conversations.flatMap((c, i) => [mint('host', c), mint('host', c, { agent: `employee-${i}` })]));
    return new FuzzTickets(secret, guests, hosts);
  }

  guest(random: Random): string {
    return random.pick(this.guests);
  }

  host(random: Random): string {
    return random.pick(this.hosts);
  }
}
