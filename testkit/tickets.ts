/**
 * Tickets as a site's server would sign them, for the ticket tests and the
 * route tests: a fresh secret per test, and guest or host tickets with any
 * claim changed or left out.
 */
import { randomBytes } from 'node:crypto';
import { CompactSign } from 'jose';
import { TICKET_SUBJECT, type TicketKind } from '../server/src/conversation/tickets.ts';

/** A secret as IDC_TICKET_SECRET takes it: a string whose UTF-8 bytes are the HMAC key. */
export function newTicketSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface MintOptions {
  conversation?: string;
  /** Guest tickets only. */
  purpose?: string;
  /** Host tickets only: the employee's opaque id, for the audit log. */
  agent?: string;
  /** Seconds from `now` to exp. Default 300. */
  expiresIn?: number;
  now?: Date;
  /** Claims to add or replace; `undefined` leaves a claim out. */
  claims?: Record<string, unknown>;
}

export function ticketClaims(kind: TicketKind, options: MintOptions = {}): Record<string, unknown> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return {
    sub: TICKET_SUBJECT[kind],
    conversation: options.conversation ?? 'conv-1',
    ...(options.purpose !== undefined ? { purpose: options.purpose } : {}),
    ...(options.agent !== undefined ? { agent: options.agent } : {}),
    iat: now,
    exp: now + (options.expiresIn ?? 300),
    ...options.claims,
  };
}

/** Signs any claims with HS256 under the secret, as the site's server does. */
export function signTicket(claims: Record<string, unknown>, secret: string | Uint8Array): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

export function mintTicket(kind: TicketKind, secret: string | Uint8Array, options: MintOptions = {}): Promise<string> {
  return signTicket(ticketClaims(kind, options), secret);
}
