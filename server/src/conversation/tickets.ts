/**
 * Tickets: short-lived compact JWS (HS256) that the site's own server signs
 * with IDC_TICKET_SECRET, saying which conversation a resident's widget
 * (guest ticket) or an employee's console (host ticket) belongs to.
 *
 * Only HS256 is accepted, so a ticket cannot pick `none` or an asymmetric
 * algorithm. The subject tells the two kinds apart, so a guest ticket never
 * opens a host's door or the reverse. Errors carry a code and a message safe
 * to show; neither ever quotes the ticket.
 */
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { MIN_TICKET_SECRET_BYTES } from '../config.ts';

export type TicketKind = 'guest' | 'host';

export const TICKET_SUBJECT = {
  guest: 'id-contact-guest',
  host: 'id-contact-host',
} as const satisfies Record<TicketKind, string>;

export const TICKET_ALGORITHM = 'HS256';
export const TICKET_CLOCK_TOLERANCE_SECONDS = 30;
/** A ticket's exp may be at most this far ahead: a leaked ticket is useful for a day at most. */
export const MAX_TICKET_LIFETIME_SECONDS = 24 * 3600;
/** Checked before parsing: a real ticket is a few hundred bytes. */
export const MAX_TICKET_LENGTH = 4096;

const conversation = z.string().min(1).max(200);

const GuestTicketClaims = z.object({
  sub: z.literal(TICKET_SUBJECT.guest),
  conversation,
  exp: z.number(),
  iat: z.number().optional(),
  purpose: z.string().min(1).max(200).optional(),
});

const HostTicketClaims = z.object({
  sub: z.literal(TICKET_SUBJECT.host),
  conversation,
  exp: z.number(),
  iat: z.number().optional(),
  /** The employee's opaque id, for the audit log. */
  agent: z.string().min(1).max(100).optional(),
});

export interface VerifiedTicket {
  conversation: string;
  /** Guest tickets only, when the site named one. */
  purpose?: string;
  /** Host tickets only: the employee's opaque id, when the site named one. */
  agent?: string;
  /** When this ticket stops being accepted: its exp plus the clock tolerance, so always in the future for a fresh verification. */
  expiresAt: Date;
}

export type TicketErrorCode = 'invalid_ticket' | 'ticket_expired';

export class TicketError extends Error {
  override name = 'TicketError';
  constructor(
    readonly code: TicketErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export async function verifyTicket(
  token: string,
  kind: TicketKind,
  secret: Uint8Array,
  now: Date = new Date(),
): Promise<VerifiedTicket> {
  // An empty or short key would let anyone sign; config refuses one, this guards other callers.
  if (secret.byteLength < MIN_TICKET_SECRET_BYTES) throw new Error(`ticket secret must be at least ${MIN_TICKET_SECRET_BYTES} bytes`);
  if (token.length > MAX_TICKET_LENGTH) throw new TicketError('invalid_ticket', 'ticket is too long');
  if (!COMPACT_JWS.test(token)) throw new TicketError('invalid_ticket', 'ticket is not a compact JWS');

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: [TICKET_ALGORITHM],
      requiredClaims: ['exp'],
      clockTolerance: TICKET_CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    throw refusal(error);
  }

  const parsed = (kind === 'guest' ? GuestTicketClaims : HostTicketClaims).safeParse(payload);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'claims')))];
    if (fields.includes('sub')) throw new TicketError('invalid_ticket', `ticket is not a ${kind} ticket`);
    throw new TicketError('invalid_ticket', `ticket claims are invalid: ${fields.join(', ')}`);
  }

  const claims = parsed.data;
  const { exp } = claims;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (exp > nowSeconds + MAX_TICKET_LIFETIME_SECONDS + TICKET_CLOCK_TOLERANCE_SECONDS) {
    throw new TicketError('invalid_ticket', 'ticket expires more than 24 hours ahead');
  }
  // jose checks iat only with maxTokenAge; one from the future means a wrong clock or a forged lifetime.
  if (claims.iat !== undefined && claims.iat > nowSeconds + TICKET_CLOCK_TOLERANCE_SECONDS) {
    throw new TicketError('invalid_ticket', 'ticket is issued in the future (iat)');
  }
  const purpose = claims.sub === TICKET_SUBJECT.guest ? claims.purpose : undefined;
  const agent = claims.sub === TICKET_SUBJECT.host ? claims.agent : undefined;
  return {
    conversation: claims.conversation,
    ...(purpose !== undefined ? { purpose } : {}),
    ...(agent !== undefined ? { agent } : {}),
    expiresAt: new Date((exp + TICKET_CLOCK_TOLERANCE_SECONDS) * 1000),
  };
}

function refusal(error: unknown): TicketError {
  if (error instanceof joseErrors.JWTExpired) return new TicketError('ticket_expired', 'ticket has expired');
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new TicketError('invalid_ticket', `ticket must be signed with ${TICKET_ALGORITHM}`);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new TicketError('invalid_ticket', 'ticket signature is not valid');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new TicketError('invalid_ticket', `ticket claims are invalid: ${error.claim}`);
  return new TicketError('invalid_ticket', 'ticket is malformed');
}
