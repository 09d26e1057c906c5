/**
 * The employee's side end to end over real HTTP: guest tickets bind logins to
 * a conversation, host tickets read that conversation's identities (list and
 * live stream), forget them, and see logouts and expiry; nothing of another
 * conversation is ever visible. Identity changes also go out as webhooks.
 */
import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { Identity, IdentityWebhookEvent as WebhookEvent } from '../src/protocol.ts';
import { serveApp } from '../src/http/serve.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { logInAtPlugin, stacksPerTest, TEST_PERSON, type Stack, type StackOptions } from '../../testkit/stack.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';
import { mintTicket, newTicketSecret, ticketClaims, signTicket } from '../../testkit/tickets.ts';

const AGENT_ORIGIN = 'https://agent.gemeente.example';
const stacks = stacksPerTest();
let stack: Stack;
let secret: string;

async function start(options: StackOptions = {}) {
  secret = newTicketSecret();
  stack = await stacks.start({
    ...options,
    env: { IDC_TICKET_SECRET: secret, IDC_AGENT_ORIGINS: AGENT_ORIGIN, ...options.env },
    plugin: { withSession: true, ...options.plugin },
  });
  return stack;
}

const guest = (conversation = 'conv-1', options: Parameters<typeof mintTicket>[2] = {}) => mintTicket('guest', secret, { conversation, ...options });
const host = (conversation = 'conv-1', options: Parameters<typeof mintTicket>[2] = {}) => mintTicket('host', secret, { conversation, ...options });

function startSession(body: Record<string, unknown>) {
  return fetch(`${stack.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', ...body }),
  });
}

/** A resident of `conversation` logs in through the test auth plugin; resolves once the result reached the widget's stream. */
async function residentLogsIn(conversation = 'conv-1', outcome: 'succes' | 'failed' = 'succes') {
  const session = await (await startSession({ ticket: await guest(conversation) })).json();
  const reader = await stacks.open(session.events_url);
  await reader.next();
  await new ResidentBrowser(stack.url).logIn(session, outcome);
  await reader.next();
  const token = new URL(session.events_url).searchParams.get('token')!;
  return { session, token };
}

const agentFetch = async (path: string, ticket: string, init: RequestInit = {}) =>
  fetch(`${stack.url}/agent${path}`, { ...init, headers: { Authorization: `Bearer ${ticket}`, ...init.headers } });

async function identities(conversation = 'conv-1') {
  const response = await agentFetch('/identities', await host(conversation));
  expect(response.status).toBe(200);
  return ((await response.json()) as { identities: Identity[] }).identities;
}

describe('guest tickets on POST /sessions', () => {
  it.each([
    ['missing', async () => undefined, 401, 'ticket_required'],
    ['signed with another secret', async () => mintTicket('guest', newTicketSecret()), 401, 'invalid_ticket'],
    ['expired', async () => guest('conv-1', { expiresIn: -120 }), 401, 'invalid_ticket'],
    ['a host ticket', async () => host(), 401, 'invalid_ticket'],
    ['for another purpose', async () => guest('conv-1', { purpose: 'personal_question' }), 403, 'purpose_mismatch'],
    ['not a JWS', async () => 'not.a.ticket', 401, 'invalid_ticket'],
  ])('refuses a ticket %s, making no session and no core call', async (_what, ticket, status, error) => {
    await start();
    const response = await startSession({ ticket: await ticket() });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
    expect(stack.store.size).toBe(0);
    expect(stack.core.requests.filter((request) => request.path === '/start')).toHaveLength(0);
  });

  it('accepts a guest ticket for the same purpose or none, and binds the session to its conversation', async () => {
    await start();
    expect((await startSession({ ticket: await guest('conv-1', { purpose: 'report_move' }) })).status).toBe(201);
    const response = await startSession({ ticket: await guest('conv-2') });
    expect(response.status).toBe(201);
    const { session_id: id } = await response.json();
    expect((await stack.store.get(id))?.conversation).toBe('conv-2');
  });

  it('needs no ticket without IDC_TICKET_SECRET', async () => {
    stack = await stacks.start();
    expect((await startSession({})).status).toBe(201);
  });
});

describe('guest tickets on POST /sessions/attach', () => {
  async function coreStarted() {
    const basic = `Basic ${Buffer.from('core:core-secret').toString('base64')}`;
    const answer = await (
      await fetch(`${stack.url}/start_communication`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic },
        body: JSON.stringify({ purpose: 'report_move' }),
      })
    ).json();
    return { reference: new URL(answer.client_url).searchParams.get('id-contact-session')!, attrUrl: answer.attr_url as string };
  }
  const attach = (body: Record<string, unknown>) =>
    fetch(`${stack.url}/sessions/attach`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
      body: JSON.stringify(body),
    });

  it('refuses a missing, bad or wrong-purpose ticket and leaves the reference usable', async () => {
    await start();
    const { reference } = await coreStarted();
    expect((await attach({ reference })).status).toBe(401);
    expect((await attach({ reference, ticket: await host() })).status).toBe(401);
    expect((await attach({ reference, ticket: await guest('conv-1', { purpose: 'personal_question' }) })).status).toBe(403);
    const attached = await attach({ reference, ticket: await guest('conv-9') });
    expect(attached.status).toBe(200);
    const { session_id: id } = await attached.json();
    expect((await stack.store.get(id))?.conversation).toBe('conv-9');
    expect((await identities('conv-9')).map((identity) => identity.status)).toEqual(['waiting']);
  });
});

describe('the agent routes', () => {
  it('list the verified identity of the conversation, with attributes', async () => {
    await start();
    await residentLogsIn('conv-1');
    const [identity, ...rest] = await identities('conv-1');
    expect(rest).toEqual([]);
    expect(Identity.parse(identity)).toEqual(identity);
    expect(identity).toMatchObject({
      purpose: 'report_move',
      auth_method: 'irma',
      status: 'verified',
      attributes: { bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname },
    });
  });

  it('show nothing of another conversation, and an identity id that is not the session id', async () => {
    await start();
    const { session } = await residentLogsIn('conv-1');
    await residentLogsIn('conv-2', 'failed');
    const ofTwo = await identities('conv-2');
    expect(ofTwo.map((identity) => identity.status)).toEqual(['failed']);
    expect(JSON.stringify(ofTwo)).not.toContain(TEST_PERSON.bsn);
    expect(await identities('conv-3')).toEqual([]);
    const [ofOne] = await identities('conv-1');
    expect(ofOne!.id).not.toBe(session.session_id);
    expect(JSON.stringify(ofOne)).not.toContain(session.session_id);
  });

  it.each([
    ['no ticket', async () => undefined, 'ticket_required'],
    ['a guest ticket', async () => guest(), 'invalid_ticket'],
    ['an expired host ticket', async () => host('conv-1', { expiresIn: -60 }), 'ticket_expired'],
    ['a host ticket signed with another secret', async () => mintTicket('host', newTicketSecret()), 'invalid_ticket'],
    ['a host ticket without exp', async () => signTicket(ticketClaims('host', { claims: { exp: undefined } }), secret), 'invalid_ticket'],
  ])('answer 401 to %s, on every route', async (_what, ticket, error) => {
    await start();
    await residentLogsIn('conv-1');
    const value = await ticket();
    const headers: Record<string, string> = value ? { Authorization: `Bearer ${value}` } : {};
    for (const [method, path] of [['GET', '/identities'], ['GET', '/events'], ['DELETE', '/identities']]) {
      const response = await fetch(`${stack.url}/agent${path}`, { method, headers });
      expect(response.status, `${method} ${path}`).toBe(401);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ error });
      expect(body).not.toContain(TEST_PERSON.bsn);
    }
    expect((await identities('conv-1'))[0]?.status).toBe('verified');
  });

  it('allow CORS for the agent origins only, and refuse pages elsewhere', async () => {
    await start();
    const ticket = await host();
    const preflight = await fetch(`${stack.url}/agent/identities`, {
      method: 'OPTIONS',
      headers: { Origin: AGENT_ORIGIN, 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(AGENT_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect((await agentFetch('/identities', ticket, { headers: { Origin: AGENT_ORIGIN } })).status).toBe(200);
    // The residents' site is not an agent console.
    const fromSite = await agentFetch('/identities', ticket, { headers: { Origin: SITE_ORIGIN } });
    expect(fromSite.status).toBe(403);
    expect(fromSite.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('forget: DELETE deletes every attribute of the conversation now, the resident side\'s too', async () => {
    await start();
    const { session } = await residentLogsIn('conv-1');
    await residentLogsIn('conv-2');
    const response = await agentFetch('/identities', await host('conv-1'), { method: 'DELETE' });
    expect(response.status).toBe(204);
    const [forgotten] = await identities('conv-1');
    expect(forgotten).toMatchObject({ status: 'forgotten' });
    expect(forgotten).not.toHaveProperty('attributes');
    expect((await stack.store.get(session.session_id))?.result?.attributes ?? {}).toEqual({});
    // The other conversation is untouched.
    expect((await identities('conv-2'))[0]).toMatchObject({ status: 'verified' });
  });

  it('show a resident\'s logout, without attributes', async () => {
    await start();
    const { session, token } = await residentLogsIn('conv-1');
    const logout = await fetch(`${stack.url}/sessions/${session.session_id}/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, Origin: SITE_ORIGIN },
    });
    expect(logout.status).toBe(200);
    const [identity] = await identities('conv-1');
    expect(identity).toMatchObject({ status: 'logged_out' });
    expect(identity).not.toHaveProperty('attributes');
  });

  it('let verified attributes lapse after IDC_AGENT_RETENTION_SECONDS', async () => {
    await start({ env: { IDC_AGENT_RETENTION_SECONDS: '1' } });
    await residentLogsIn('conv-1');
    expect((await identities('conv-1'))[0]).toMatchObject({ status: 'verified' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const [identity] = await identities('conv-1');
    expect(identity).toMatchObject({ status: 'expired' });
    expect(identity).not.toHaveProperty('attributes');
    expect((await stack.store.listIdentities('conv-1'))[0]?.attributes).toBeUndefined();
  });

  it('show a login whose session ended without a result as expired', async () => {
    await start({ env: { IDC_SESSION_TTL_SECONDS: '1' } });
    expect((await startSession({ ticket: await guest() })).status).toBe(201);
    expect((await identities())[0]).toMatchObject({ status: 'waiting' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await identities())[0]).toMatchObject({ status: 'expired' });
  });
});

describe('GET /agent/events', () => {
  const identityEvents = async (reader: Awaited<ReturnType<typeof stacks.open>>, count: number) => {
    const events: Identity[] = [];
    while (events.length < count) {
      const message = await reader.next(3000);
      if (!message) throw new Error(`stream ended after ${events.length} identity events`);
      if (message.event === 'identity') events.push(Identity.parse(JSON.parse(message.data!)));
    }
    return events;
  };

  it('sends a snapshot at connect, then every change live, with ids and no buffering', async () => {
    await start();
    await residentLogsIn('conv-1', 'failed');
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host()}` });
    expect(reader.response.headers.get('content-type')).toContain('text/event-stream');
    expect(reader.response.headers.get('x-accel-buffering')).toBe('no');
    const [snapshot] = await identityEvents(reader, 1);
    expect(snapshot!.status).toBe('failed');
    expect(reader.retry).toBe(3000);

    const session = await (await startSession({ ticket: await guest() })).json();
    const [waiting] = await identityEvents(reader, 1);
    expect(waiting).toMatchObject({ status: 'waiting', auth_method: 'irma' });
    const started = Date.now();
    await new ResidentBrowser(stack.url).logIn(session);
    const [verified] = await identityEvents(reader, 1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(verified).toMatchObject({ id: waiting!.id, status: 'verified', attributes: { bsn: TEST_PERSON.bsn } });
  });

  it('sees nothing of another conversation', async () => {
    await start();
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host('conv-1')}` });
    await residentLogsIn('conv-2');
    expect(await reader.next(500)).toBeUndefined();
  });

  it('shows forgetting and logging out as they happen', async () => {
    await start();
    const { session, token } = await residentLogsIn('conv-1');
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host()}` });
    await identityEvents(reader, 1);
    await fetch(`${stack.url}/sessions/${session.session_id}/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, Origin: SITE_ORIGIN } });
    expect((await identityEvents(reader, 1))[0]?.status).toBe('logged_out');
    await residentLogsIn('conv-1');
    await identityEvents(reader, 2); // waiting, verified
    await agentFetch('/identities', await host(), { method: 'DELETE' });
    const forgotten = await identityEvents(reader, 2);
    expect(forgotten.map((identity) => identity.status)).toEqual(['forgotten', 'forgotten']);
    expect(JSON.stringify(forgotten)).not.toContain(TEST_PERSON.bsn);
  });

  it('tells a live stream when verified details lapse', async () => {
    await start({ env: { IDC_AGENT_RETENTION_SECONDS: '1' } });
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host()}` });
    await residentLogsIn('conv-1');
    expect((await identityEvents(reader, 2)).map((identity) => identity.status)).toEqual(['waiting', 'verified']);
    const [lapsed] = await identityEvents(reader, 1);
    expect(lapsed).toMatchObject({ status: 'expired' });
    expect(lapsed).not.toHaveProperty('attributes');
  });

  it('ends with ticket_expired when the host ticket runs out', async () => {
    await start();
    // exp 29 s ago is still inside the 30 s tolerance: the ticket runs out in about a second.
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host('conv-1', { expiresIn: -29 })}` });
    expect(reader.response.status).toBe(200);
    const message = await reader.next(3000);
    expect(message?.event).toBe('ticket_expired');
    expect(await reader.ended(1000)).toBe(true);
  });

  it('sends heartbeats', async () => {
    await start({ deps: { heartbeatMs: 50 } });
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host()}` });
    expect((await reader.next(1000))?.comment).toBe('heartbeat');
  });
});

describe('webhooks of identity changes', () => {
  it('POST verified, failed and logged_out, signed per Standard Webhooks, with the conversation and no personal data in the log', async () => {
    const received: Array<{ headers: Headers; body: string }> = [];
    const receiver = await serveApp(new Hono().post('/hook', async (c) => (received.push({ headers: c.req.raw.headers, body: await c.req.text() }), c.body(null, 204))));
    try {
      const whsec = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
      await start({ env: { IDC_WEBHOOK_URL: `${receiver.url}/hook`, IDC_WEBHOOK_SECRET: whsec } });
      const { session, token } = await residentLogsIn('conv-1');
      await residentLogsIn('conv-1', 'failed');
      await fetch(`${stack.url}/sessions/${session.session_id}/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, Origin: SITE_ORIGIN } });
      await expect.poll(() => received.length, { timeout: 3000 }).toBe(3);

      const events = received.map(({ body }) => WebhookEvent.parse(JSON.parse(body)));
      expect(events.map((event) => [event.type, event.data.status, event.data.conversation])).toEqual([
        ['identity.verified', 'verified', 'conv-1'],
        ['identity.failed', 'failed', 'conv-1'],
        ['identity.logged_out', 'logged_out', 'conv-1'],
      ]);
      expect(events[0]!.data.attributes).toEqual({ bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname });
      expect(events[2]!.data).not.toHaveProperty('attributes');

      for (const { headers, body } of received) {
        // Checked by hand from the spec, not by the sending code.
        const id = headers.get('webhook-id')!;
        const timestamp = headers.get('webhook-timestamp')!;
        const key = Buffer.from(whsec.slice('whsec_'.length), 'base64');
        const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
        expect(headers.get('webhook-signature')!.split(' ')).toContain(`v1,${expected}`);
        expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
        expect(() => new Webhook(whsec).verify(body, Object.fromEntries(headers))).not.toThrow();
      }
      expect(stack.logger.lines.join('\n')).not.toContain(TEST_PERSON.bsn);
    } finally {
      await receiver.close();
    }
  });

  // It used to go with `conversation: null`; now a webhook never carries attributes no conversation holds (forget.test.ts).
  it('sends nothing for a login not bound to a conversation', async () => {
    const received: string[] = [];
    const receiver = await serveApp(new Hono().post('/hook', async (c) => (received.push(await c.req.text()), c.body(null, 200))));
    try {
      const whsec = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
      stack = await stacks.start({ env: { IDC_WEBHOOK_URL: `${receiver.url}/hook`, IDC_WEBHOOK_SECRET: whsec } });
      const session = await (await startSession({})).json();
      await new ResidentBrowser(stack.url).logIn(session);
      expect((await stack.store.get(session.session_id))?.result?.status).toBe('succes');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
