import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TicketError, verifyTicket, type TicketKind } from '../src/conversation/tickets.ts';
import { ecKeyPair, rsaKeyPair } from '../../testkit/keys.ts';
import { mintTicket, newTicketSecret, signTicket, ticketClaims } from '../../testkit/tickets.ts';
import { signClaims, tamperSegment, unsignedJws } from '../../testkit/tokens.ts';

const secretText = newTicketSecret();
const secret = new TextEncoder().encode(secretText);
const now = new Date();
const nowSeconds = Math.floor(now.getTime() / 1000);

/** The refusal's code, after checking the message never quotes the ticket. */
async function refusal(token: string, kind: TicketKind, at: Date = now): Promise<string> {
  try {
    await verifyTicket(token, kind, secret, at);
  } catch (error) {
    expect(error).toBeInstanceOf(TicketError);
    const message = (error as TicketError).message;
    for (const segment of token.split('.').filter((part) => part.length > 8)) expect(message).not.toContain(segment);
    expect(message.length).toBeLessThan(100);
    return (error as TicketError).code;
  }
  return 'accepted';
}

async function messageOf(token: string, kind: TicketKind): Promise<string> {
  return verifyTicket(token, kind, secret, now).then(
    () => 'accepted',
    (error: TicketError) => error.message,
  );
}

describe('verifyTicket: good tickets', () => {
  it('accepts a guest ticket with a purpose', async () => {
    const token = await mintTicket('guest', secretText, { conversation: 'chat-42', purpose: 'report_move', now, expiresIn: 600 });
    expect(await verifyTicket(token, 'guest', secret, now)).toEqual({
      conversation: 'chat-42',
      purpose: 'report_move',
      expiresAt: new Date((nowSeconds + 600 + 30) * 1000),
    });
  });

  it('accepts a guest ticket without a purpose, and says none', async () => {
    const token = await mintTicket('guest', secretText, { conversation: 'chat-42', now });
    const ticket = await verifyTicket(token, 'guest', secret, now);
    expect(ticket.conversation).toBe('chat-42');
    expect('purpose' in ticket).toBe(false);
  });

  it('accepts a host ticket, ignoring any purpose in it', async () => {
    const token = await mintTicket('host', secretText, { conversation: 'chat-42', now, claims: { purpose: 'report_move' } });
    expect(await verifyTicket(token, 'host', secret, now)).toEqual({
      conversation: 'chat-42',
      expiresAt: new Date((nowSeconds + 300 + 30) * 1000),
    });
  });

  it('takes a host ticket\'s optional `agent` (1-100 characters), and never a guest ticket\'s', async () => {
    const host = (agent: unknown) => mintTicket('host', secretText, { conversation: 'chat-42', now, claims: { agent } });
    expect((await verifyTicket(await host('employee-7'), 'host', secret, now)).agent).toBe('employee-7');
    expect((await verifyTicket(await host('x'.repeat(100)), 'host', secret, now)).agent).toHaveLength(100);
    for (const bad of ['', 'x'.repeat(101), 42]) expect(await refusal(await host(bad), 'host')).toBe('invalid_ticket');
    const guest = await mintTicket('guest', secretText, { conversation: 'chat-42', now, claims: { agent: 'employee-7' } });
    expect('agent' in (await verifyTicket(guest, 'guest', secret, now))).toBe(false);
  });

  it('verifies a ticket signed by hand (plain HMAC-SHA256 over header.payload with the secret as UTF-8)', async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'id-contact-guest', conversation: 'c', exp: nowSeconds + 60 })}`;
    const token = `${input}.${createHmac('sha256', secretText).update(input).digest('base64url')}`;
    expect((await verifyTicket(token, 'guest', secret, now)).conversation).toBe('c');
  });

  it('accepts conversations of 1 and 200 characters', async () => {
    for (const conversation of ['x', 'c'.repeat(200)]) {
      const token = await mintTicket('guest', secretText, { conversation, now });
      expect((await verifyTicket(token, 'guest', secret, now)).conversation).toBe(conversation);
    }
  });

  it('uses the current time when none is given', async () => {
    expect(await refusal(await mintTicket('host', secretText), 'host', new Date())).toBe('accepted');
    expect(await verifyTicket(await mintTicket('host', secretText, { expiresIn: -60 }), 'host', secret).catch((e: TicketError) => e.code)).toBe(
      'ticket_expired',
    );
  });
});

describe('verifyTicket: signature and algorithm', () => {
  it('refuses a tampered signature', async () => {
    const token = await mintTicket('guest', secretText, { now });
    expect(await refusal(tamperSegment(token, 2), 'guest')).toBe('invalid_ticket');
    expect(await messageOf(tamperSegment(token, 2), 'guest')).toBe('ticket signature is not valid');
  });

  it('refuses a tampered payload', async () => {
    const token = await mintTicket('guest', secretText, { now });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify(ticketClaims('guest', { conversation: 'someone-else', now }))).toString('base64url');
    expect(await refusal(`${header}.${forged}.${signature}`, 'guest')).toBe('invalid_ticket');
  });

  it('refuses a ticket signed with another secret', async () => {
    const token = await mintTicket('guest', newTicketSecret(), { now });
    expect(await refusal(token, 'guest')).toBe('invalid_ticket');
  });

  it('refuses alg none, with or without a signature part', async () => {
    const claims = ticketClaims('guest', { now });
    expect(await refusal(unsignedJws(claims), 'guest')).toBe('invalid_ticket');
    const withSignature = `${unsignedJws(claims)}${(await mintTicket('guest', secretText, { now })).split('.')[2]}`;
    expect(await refusal(withSignature, 'guest')).toBe('invalid_ticket');
    expect(await messageOf(unsignedJws(claims), 'guest')).toBe('ticket must be signed with HS256');
  });

  it.each([
    ['RS256', () => rsaKeyPair().privateKey],
    ['PS256', () => rsaKeyPair().privateKey],
    ['ES256', () => ecKeyPair().privateKey],
    ['HS384', () => secret],
    ['HS512', () => secret],
  ])('refuses a ticket signed with %s', async (alg, key) => {
    const token = await signClaims(ticketClaims('host', { now }), key(), alg);
    expect(await refusal(token, 'host')).toBe('invalid_ticket');
    expect(await messageOf(token, 'host')).toBe('ticket must be signed with HS256');
  });

  it('refuses to verify with a secret shorter than 32 bytes (anyone could sign with an empty one)', async () => {
    const empty = new Uint8Array(0);
    const token = await signTicket(ticketClaims('guest', { now }), empty).catch(() => 'x.y.z');
    await expect(verifyTicket(token, 'guest', empty, now)).rejects.toThrow('at least 32 bytes');
    await expect(verifyTicket(token, 'guest', secret.subarray(0, 31), now)).rejects.toThrow('at least 32 bytes');
  });
});

describe('verifyTicket: expiry', () => {
  it('refuses an expired ticket with its own code', async () => {
    const token = await mintTicket('guest', secretText, { now, expiresIn: -3600 });
    expect(await refusal(token, 'guest')).toBe('ticket_expired');
    expect(await messageOf(token, 'guest')).toBe('ticket has expired');
  });

  it('allows 30 seconds of clock skew on exp: 29 s past is accepted, 31 s past is expired', async () => {
    expect(await refusal(await mintTicket('guest', secretText, { now, expiresIn: -29 }), 'guest')).toBe('accepted');
    expect(await refusal(await mintTicket('guest', secretText, { now, expiresIn: -31 }), 'guest')).toBe('ticket_expired');
    expect(await refusal(await mintTicket('host', secretText, { now, expiresIn: -29 }), 'host')).toBe('accepted');
    expect(await refusal(await mintTicket('host', secretText, { now, expiresIn: -31 }), 'host')).toBe('ticket_expired');
  });

  it('refuses a ticket without exp', async () => {
    for (const kind of ['guest', 'host'] as const) {
      const token = await mintTicket(kind, secretText, { now, claims: { exp: undefined } });
      expect(await refusal(token, kind)).toBe('invalid_ticket');
      expect(await messageOf(token, kind)).toBe('ticket claims are invalid: exp');
    }
  });

  it('refuses a non-numeric exp', async () => {
    const token = await mintTicket('guest', secretText, { now, claims: { exp: String(nowSeconds + 60) } });
    expect(await refusal(token, 'guest')).toBe('invalid_ticket');
  });

  it('refuses exp more than 24 hours ahead, for both kinds (the clock tolerance applies here too)', async () => {
    const day = 24 * 3600;
    for (const kind of ['guest', 'host'] as const) {
      expect(await refusal(await mintTicket(kind, secretText, { now, expiresIn: day }), kind)).toBe('accepted');
      expect(await refusal(await mintTicket(kind, secretText, { now, expiresIn: day + 30 }), kind)).toBe('accepted');
      expect(await refusal(await mintTicket(kind, secretText, { now, expiresIn: day + 31 }), kind)).toBe('invalid_ticket');
      expect(await refusal(await mintTicket(kind, secretText, { now, expiresIn: 365 * day }), kind)).toBe('invalid_ticket');
      expect(await messageOf(await mintTicket(kind, secretText, { now, expiresIn: 2 * day }), kind)).toBe(
        'ticket expires more than 24 hours ahead',
      );
    }
  });

  it('refuses a ticket issued in the future beyond the 30 s tolerance (iat), for both kinds', async () => {
    for (const kind of ['guest', 'host'] as const) {
      expect(await refusal(await mintTicket(kind, secretText, { now, claims: { iat: nowSeconds + 30 } }), kind)).toBe('accepted');
      const future = await mintTicket(kind, secretText, { now, claims: { iat: nowSeconds + 31 } });
      expect(await refusal(future, kind)).toBe('invalid_ticket');
      expect(await messageOf(future, kind)).toBe('ticket is issued in the future (iat)');
      expect(await refusal(await mintTicket(kind, secretText, { now, claims: { iat: nowSeconds + 3600, exp: nowSeconds + 3900 } }), kind)).toBe(
        'invalid_ticket',
      );
    }
  });

  it('refuses a non-numeric iat', async () => {
    expect(await refusal(await mintTicket('guest', secretText, { now, claims: { iat: 'now' } }), 'guest')).toBe('invalid_ticket');
  });

  it('refuses a ticket not yet valid (nbf in the future beyond the tolerance)', async () => {
    const token = await mintTicket('guest', secretText, { now, claims: { nbf: nowSeconds + 120 } });
    expect(await refusal(token, 'guest')).toBe('invalid_ticket');
  });
});

describe('verifyTicket: kind and claims', () => {
  it('never takes a guest ticket for a host ticket, nor the reverse', async () => {
    const guest = await mintTicket('guest', secretText, { now });
    const host = await mintTicket('host', secretText, { now });
    expect(await refusal(guest, 'host')).toBe('invalid_ticket');
    expect(await messageOf(guest, 'host')).toBe('ticket is not a host ticket');
    expect(await refusal(host, 'guest')).toBe('invalid_ticket');
    expect(await messageOf(host, 'guest')).toBe('ticket is not a guest ticket');
  });

  it.each([['id-contact-attributes'], ['ID-CONTACT-GUEST'], [undefined], [42]])('refuses sub %s', async (sub) => {
    const token = await mintTicket('guest', secretText, { now, claims: { sub } });
    expect(await refusal(token, 'guest')).toBe('invalid_ticket');
    expect(await refusal(token, 'host')).toBe('invalid_ticket');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['201 characters', 'c'.repeat(201)],
    ['a number', 42],
    ['an object', { id: 'c' }],
    ['null', null],
  ])('refuses a conversation that is %s', async (_, conversation) => {
    for (const kind of ['guest', 'host'] as const) {
      const token = await mintTicket(kind, secretText, { now, claims: { conversation } });
      expect(await refusal(token, kind)).toBe('invalid_ticket');
      expect(await messageOf(token, kind)).toBe('ticket claims are invalid: conversation');
    }
  });

  it.each([[''], [42], ['p'.repeat(201)]])('refuses a guest purpose of %s', async (purpose) => {
    const token = await mintTicket('guest', secretText, { now, claims: { purpose } });
    expect(await messageOf(token, 'guest')).toBe('ticket claims are invalid: purpose');
  });

  it('takes a host ticket\'s agent of 1 to 100 characters as the employee\'s id', async () => {
    for (const agent of ['e', 'employee-7', 'a'.repeat(100)]) {
      const token = await mintTicket('host', secretText, { conversation: 'chat-42', agent, now });
      expect(await verifyTicket(token, 'host', secret, now)).toEqual({
        conversation: 'chat-42',
        agent,
        expiresAt: new Date((nowSeconds + 300 + 30) * 1000),
      });
    }
  });

  it('says no agent when a host ticket names none, and never takes one from a guest ticket', async () => {
    expect('agent' in (await verifyTicket(await mintTicket('host', secretText, { now }), 'host', secret, now))).toBe(false);
    const guest = await mintTicket('guest', secretText, { now, claims: { agent: 'employee-7' } });
    expect('agent' in (await verifyTicket(guest, 'guest', secret, now))).toBe(false);
  });

  it.each([['empty', ''], ['101 characters', 'a'.repeat(101)], ['a number', 42], ['an object', { id: 'e' }], ['null', null]])(
    'refuses a host ticket whose agent is %s',
    async (_, agent) => {
      const token = await mintTicket('host', secretText, { now, claims: { agent } });
      expect(await refusal(token, 'host')).toBe('invalid_ticket');
      expect(await messageOf(token, 'host')).toBe('ticket claims are invalid: agent');
    },
  );
});

describe('verifyTicket: malformed', () => {
  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'ab+c.de/f.ghi'],
    ['surrounding space', ' a.b.c '],
  ])('refuses %s as not a compact JWS', async (_, token) => {
    expect(await refusal(token, 'guest')).toBe('invalid_ticket');
    expect(await messageOf(token, 'guest')).toBe('ticket is not a compact JWS');
  });

  it('refuses segments that are not JSON', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    expect(await refusal(`${b64('not json')}.${b64('{}')}.AAAA`, 'guest')).toBe('invalid_ticket');
    const header = b64(JSON.stringify({ alg: 'HS256' }));
    const input = `${header}.${b64('not json')}`;
    const signed = `${input}.${createHmac('sha256', secretText).update(input).digest('base64url')}`;
    expect(await refusal(signed, 'guest')).toBe('invalid_ticket');
    const array = `${header}.${b64('[1]')}`;
    expect(await refusal(`${array}.${createHmac('sha256', secretText).update(array).digest('base64url')}`, 'guest')).toBe('invalid_ticket');
  });

  it('refuses a ticket over 4 KB before parsing it', async () => {
    const token = await mintTicket('guest', secretText, { now, claims: { padding: 'x'.repeat(4000) } });
    expect(token.length).toBeGreaterThan(4096);
    expect(await refusal(token, 'guest')).toBe('invalid_ticket');
    expect(await messageOf(token, 'guest')).toBe('ticket is too long');
  });
});
