/**
 * "Ask to verify" over real HTTP: the employee (host ticket) asks the
 * conversation's resident to log in; the resident's widget (guest ticket)
 * sees the request on its stream or by polling, and may decline; a login for
 * the purpose settles it as started and leads to a verified identity on the
 * employee's side; a pending request lapses. Another conversation never sees
 * or declines it. Also across two instances on one Redis.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { CurrentRequest, Identity, RequestWebhookEvent, VerificationRequest } from '../src/protocol.ts';
import { serveApp } from '../src/http/serve.ts';
import { RedisSessionStore } from '../src/store/redis/redis-store.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { startRedisServer, type RedisServer } from '../../testkit/redis-server.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';
import type { SseReader } from '../../testkit/sse.ts';
import { stacksPerTest, TEST_PERSON, type Stack, type StackOptions } from '../../testkit/stack.ts';
import { mintTicket, newTicketSecret, type MintOptions } from '../../testkit/tickets.ts';

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

const guest = (conversation = 'conv-1', options: MintOptions = {}) => mintTicket('guest', secret, { conversation, ...options });
const host = (conversation = 'conv-1', options: MintOptions = {}) => mintTicket('host', secret, { conversation, ...options });
const bearer = (ticket: string) => ({ Authorization: `Bearer ${ticket}` });

async function ask(conversation = 'conv-1', purpose = 'report_move', base = stack.url) {
  return fetch(`${base}/agent/requests`, {
    method: 'POST',
    headers: { ...bearer(await host(conversation)), 'Content-Type': 'application/json', Origin: AGENT_ORIGIN },
    body: JSON.stringify({ purpose }),
  });
}

async function askOk(conversation = 'conv-1', purpose = 'report_move') {
  const response = await ask(conversation, purpose);
  expect(response.status).toBe(201);
  return VerificationRequest.parse(await response.json());
}

async function agentCurrent(conversation = 'conv-1') {
  const response = await fetch(`${stack.url}/agent/requests`, { headers: bearer(await host(conversation)) });
  expect(response.status).toBe(200);
  return CurrentRequest.parse(await response.json()).request;
}

async function residentCurrent(conversation = 'conv-1') {
  const response = await fetch(`${stack.url}/requests/current`, { headers: { ...bearer(await guest(conversation)), Origin: SITE_ORIGIN } });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return CurrentRequest.parse(await response.json()).request;
}

async function decline(id: string, conversation = 'conv-1') {
  return fetch(`${stack.url}/requests/${id}/decline`, { method: 'POST', headers: { ...bearer(await guest(conversation)), Origin: SITE_ORIGIN } });
}

const agentStream = async (conversation = 'conv-1', base = stack.url) => stacks.open(`${base}/agent/events`, bearer(await host(conversation)));
const residentStream = async (conversation = 'conv-1', base = stack.url, options: MintOptions = {}) =>
  stacks.open(`${base}/requests/events`, { ...bearer(await guest(conversation, options)), Origin: SITE_ORIGIN });

/** The next event `name` on the stream (others skipped), parsed; fails when none comes in time. */
async function next<T>(reader: SseReader, name: string, parse: (data: unknown) => T, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const message = await reader.next(Math.max(1, until - Date.now()));
    if (!message) throw new Error(`no ${name} event within ${timeoutMs} ms`);
    if (message.event === name) return parse(JSON.parse(message.data!));
  }
}
const nextRequest = (reader: SseReader, timeoutMs?: number) => next(reader, 'request', (data) => CurrentRequest.parse(data).request, timeoutMs);
const nextIdentity = (reader: SseReader) => next(reader, 'identity', (data) => Identity.parse(data));

function startSession(conversation = 'conv-1', purpose = 'report_move') {
  return guest(conversation).then((ticket) =>
    fetch(`${stack.url}/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
      body: JSON.stringify({ purpose, auth_method: 'irma', ticket }),
    }),
  );
}

describe('asking to verify', () => {
  it('creates a pending request: 201, on the employee\'s stream and GET /agent/requests, with the core\'s name for the purpose', async () => {
    await start();
    const before = await agentStream();
    expect(await agentCurrent()).toBeNull();
    const started = Date.now();
    const request = await askOk();
    expect(request).toMatchObject({ purpose: 'report_move', purpose_name: 'Verhuizing doorgeven', status: 'pending' });
    expect(request).not.toHaveProperty('identity_id');
    const expiresIn = Date.parse(request.expires_at) - started;
    expect(expiresIn).toBeGreaterThan(299_000);
    expect(expiresIn).toBeLessThan(301_000);
    expect(await nextRequest(before)).toEqual(request);
    expect(await agentCurrent()).toEqual(request);
    // A console that connects later is shown it at once.
    expect(await nextRequest(await agentStream())).toEqual(request);
  });

  it('reaches the resident streams and polls of that conversation only', async () => {
    await start();
    const mine = await residentStream('conv-1');
    const theirs = await residentStream('conv-2');
    // At connect always, also without a request: the widget knows its stream arrived.
    expect(await nextRequest(mine)).toBeNull();
    expect(await nextRequest(theirs)).toBeNull();
    expect(mine.response.headers.get('content-type')).toContain('text/event-stream');

    const request = await askOk('conv-1');
    const seen = await nextRequest(mine);
    expect(seen).toEqual(request);
    expect(await residentCurrent('conv-1')).toEqual(request);
    expect(await residentCurrent('conv-2')).toBeNull();
    // conv-2's stream: the next thing it hears of is its own request, not conv-1's.
    const own = await askOk('conv-2');
    expect((await nextRequest(theirs))?.id).toBe(own.id);
    expect(own.id).not.toBe(request.id);
  });

  it('is declined by the resident: declined on both sides; another conversation cannot decline it', async () => {
    await start();
    const employee = await agentStream();
    const resident = await residentStream();
    await nextRequest(resident);
    const request = await askOk();
    await nextRequest(employee);
    await nextRequest(resident);

    const foreign = await decline(request.id, 'conv-2');
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: 'unknown_request' });
    expect((await decline('not-an-id')).status).toBe(404);
    expect((await decline('x'.repeat(5000))).status).toBe(404);
    expect((await agentCurrent())?.status).toBe('pending');

    const declined = await decline(request.id);
    expect(declined.status).toBe(204);
    expect(await nextRequest(employee)).toMatchObject({ id: request.id, status: 'declined' });
    expect(await nextRequest(resident)).toMatchObject({ id: request.id, status: 'declined' });
    expect(await agentCurrent()).toMatchObject({ id: request.id, status: 'declined' });
    const again = await decline(request.id);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'request_not_pending' });
  });

  it('keeps one open request per conversation (409 request_pending); another conversation, or a settled one, may ask again', async () => {
    await start();
    const first = await askOk();
    const second = await ask();
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: 'request_pending' });
    expect((await agentCurrent())?.id).toBe(first.id);
    await askOk('conv-2');
    expect((await decline(first.id)).status).toBe(204);
    const third = await askOk();
    expect(third.id).not.toBe(first.id);
  });

  it('refuses a purpose the core does not know (400 unknown_purpose), and one of the wrong shape without asking the core', async () => {
    await start();
    const unknown = await ask('conv-1', 'adopt_a_dragon');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_purpose' });
    const optionCalls = () => stack.core.requests.filter((request) => request.path.startsWith('/session_options/')).length;
    const calls = optionCalls();
    for (const purpose of ['<script>', 'a b', 'x'.repeat(101), '']) {
      const response = await ask('conv-1', purpose);
      expect(response.status, purpose).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
    expect(optionCalls()).toBe(calls);
    expect(await agentCurrent()).toBeNull();
  });

  it('answers 502 core_unavailable when the core cannot be asked, and makes no request', async () => {
    await start();
    await stack.core.close();
    const response = await ask();
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'core_unavailable' });
    expect(await agentCurrent()).toBeNull();
  });

  it('expires after IDC_REQUEST_TTL_SECONDS: both streams are told, it cannot be declined, and a new one may be made', async () => {
    await start({ env: { IDC_REQUEST_TTL_SECONDS: '1' } });
    const employee = await agentStream();
    const resident = await residentStream();
    await nextRequest(resident);
    const request = await askOk();
    expect(await nextRequest(employee)).toMatchObject({ status: 'pending' });
    expect(await nextRequest(resident)).toMatchObject({ status: 'pending' });
    const lapsed = await nextRequest(employee, 4000);
    expect(lapsed).toMatchObject({ id: request.id, status: 'expired', updated_at: request.expires_at });
    expect(await nextRequest(resident, 4000)).toMatchObject({ id: request.id, status: 'expired' });
    expect(await agentCurrent()).toMatchObject({ status: 'expired' });
    expect((await residentCurrent())?.status).toBe('expired');
    expect((await decline(request.id)).status).toBe(409);
    await askOk();
  });
});

describe('a login settles the request', () => {
  it('POST /sessions for the purpose: started with the identity id, then the identity goes verified on the employee\'s side', async () => {
    await start();
    const employee = await agentStream();
    const resident = await residentStream();
    await nextRequest(resident);
    const request = await askOk('conv-1', 'report_move');
    await nextRequest(employee);
    await nextRequest(resident);

    // A login for another purpose, or in another conversation, leaves it pending.
    expect((await startSession('conv-1', 'personal_question')).status).toBe(201);
    expect((await nextIdentity(employee)).purpose).toBe('personal_question');
    expect((await startSession('conv-2', 'report_move')).status).toBe(201);
    expect((await agentCurrent())?.status).toBe('pending');

    const response = await startSession('conv-1', 'report_move');
    expect(response.status).toBe(201);
    const session = await response.json();
    const waiting = await nextIdentity(employee);
    expect(waiting).toMatchObject({ status: 'waiting', purpose: 'report_move', purpose_name: 'Verhuizing doorgeven' });
    expect(await nextRequest(employee)).toMatchObject({ id: request.id, status: 'started', identity_id: waiting.id });
    const residentSide = await nextRequest(resident);
    expect(residentSide).toMatchObject({ id: request.id, status: 'started' });
    expect(residentSide).not.toHaveProperty('identity_id');

    await new ResidentBrowser(stack.url).logIn(session);
    const verified = await nextIdentity(employee);
    expect(verified).toMatchObject({ id: waiting.id, status: 'verified', purpose_name: 'Verhuizing doorgeven', attributes: { bsn: TEST_PERSON.bsn } });
    expect(await agentCurrent()).toMatchObject({ status: 'started', identity_id: waiting.id });
  });

  it('a core-started login bound on attach settles it too', async () => {
    await start();
    const request = await askOk();
    const basic = `Basic ${Buffer.from('core:core-secret').toString('base64')}`;
    const started = await (
      await fetch(`${stack.url}/start_communication`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic },
        body: JSON.stringify({ purpose: 'report_move' }),
      })
    ).json();
    const reference = new URL(started.client_url).searchParams.get('id-contact-session')!;
    const attached = await fetch(`${stack.url}/sessions/attach`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
      body: JSON.stringify({ reference, ticket: await guest() }),
    });
    expect(attached.status).toBe(200);
    const response = await fetch(`${stack.url}/agent/identities`, { headers: bearer(await host()) });
    const [identity] = (await response.json()).identities as Identity[];
    expect(await agentCurrent()).toMatchObject({ id: request.id, status: 'started', identity_id: identity!.id });
  });
});

describe('the verification.requested webhook', () => {
  it('is signed per Standard Webhooks and carries the request and conversation, no attributes', async () => {
    const received: Array<{ headers: Headers; body: string }> = [];
    const receiver = await serveApp(new Hono().post('/hook', async (c) => (received.push({ headers: c.req.raw.headers, body: await c.req.text() }), c.body(null, 204))));
    try {
      const whsec = `whsec_${randomBytes(32).toString('base64')}`;
      await start({ env: { IDC_WEBHOOK_URL: `${receiver.url}/hook`, IDC_WEBHOOK_SECRET: whsec } });
      const request = await askOk('conv-1');
      await expect.poll(() => received.length, { timeout: 3000 }).toBe(1);
      const [{ headers, body }] = received as [{ headers: Headers; body: string }];
      const event = RequestWebhookEvent.parse(JSON.parse(body));
      expect(event).toMatchObject({ type: 'verification.requested', data: { ...request, conversation: 'conv-1' } });
      expect(JSON.parse(body).data).not.toHaveProperty('attributes');
      const id = headers.get('webhook-id')!;
      const timestamp = headers.get('webhook-timestamp')!;
      const expected = createHmac('sha256', Buffer.from(whsec.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64');
      expect(headers.get('webhook-signature')!.split(' ')).toContain(`v1,${expected}`);
      expect(() => new Webhook(whsec).verify(body, Object.fromEntries(headers))).not.toThrow();
      // A refused ask sends nothing.
      expect((await ask('conv-1')).status).toBe(409);
      expect((await ask('conv-1', 'adopt_a_dragon')).status).toBe(400);
      await askOk('conv-2');
      await expect.poll(() => received.length, { timeout: 3000 }).toBe(2);
      expect(JSON.parse(received[1]!.body).data.conversation).toBe('conv-2');
    } finally {
      await receiver.close();
    }
  });
});

describe('refusals change nothing', () => {
  it('POST /agent/requests: bad tickets 401, bad bodies 400, an oversized body 413', async () => {
    await start();
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${stack.url}/agent/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    const hostTicket = bearer(await host());
    const cases: Array<[Record<string, string>, string, number, string]> = [
      [{}, '{"purpose":"report_move"}', 401, 'ticket_required'],
      [bearer(await guest()), '{"purpose":"report_move"}', 401, 'invalid_ticket'],
      [bearer(await host('conv-1', { expiresIn: -60 })), '{"purpose":"report_move"}', 401, 'ticket_expired'],
      [bearer(await mintTicket('host', newTicketSecret())), '{"purpose":"report_move"}', 401, 'invalid_ticket'],
      [hostTicket, 'not json', 400, 'invalid_request'],
      [hostTicket, '{}', 400, 'invalid_request'],
      [hostTicket, '{"purpose":42}', 400, 'invalid_request'],
      [hostTicket, '["report_move"]', 400, 'invalid_request'],
      [hostTicket, JSON.stringify({ purpose: 'report_move', pad: 'x'.repeat(2000) }), 413, 'payload_too_large'],
    ];
    for (const [headers, body, status, error] of cases) {
      const response = await post(headers, body);
      expect(response.status, body.slice(0, 40)).toBe(status);
      expect(await response.json()).toMatchObject({ error });
    }
    expect(await agentCurrent()).toBeNull();
    expect(stack.logger.lines.join('\n')).not.toMatch(/eyJ/);
  });

  it('the resident routes: no ticket, a host ticket, an expired or forged one, or one in the URL: 401', async () => {
    await start();
    const request = await askOk();
    const tickets: Array<[string | undefined, string]> = [
      [undefined, 'ticket_required'],
      [await host(), 'invalid_ticket'],
      [await guest('conv-1', { expiresIn: -60 }), 'ticket_expired'],
      [await mintTicket('guest', newTicketSecret(), { conversation: 'conv-1' }), 'invalid_ticket'],
    ];
    for (const [ticket, error] of tickets) {
      const headers: Record<string, string> = { Origin: SITE_ORIGIN, ...(ticket ? bearer(ticket) : {}) };
      for (const [method, path] of [['GET', '/requests/current'], ['GET', '/requests/events'], ['POST', `/requests/${request.id}/decline`]] as const) {
        const response = await fetch(`${stack.url}${path}`, { method, headers });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(await response.json()).toMatchObject({ error });
      }
    }
    const inUrl = await fetch(`${stack.url}/requests/current?ticket=${await guest()}`, { headers: { Origin: SITE_ORIGIN } });
    expect(inUrl.status).toBe(401);
    // A decline with a body over the limit is refused before anything is read.
    const padded = await fetch(`${stack.url}/requests/${request.id}/decline`, {
      method: 'POST',
      headers: { ...bearer(await guest()), Origin: SITE_ORIGIN, 'Content-Type': 'text/plain' },
      body: 'x'.repeat(4096),
    });
    expect(padded.status).toBe(413);
    expect((await agentCurrent())?.status).toBe('pending');
  });

  it('CORS: the consoles may POST with Content-Type to /agent/requests; the sites read /requests with Authorization; other pages get nothing', async () => {
    await start();
    const agentPreflight = await fetch(`${stack.url}/agent/requests`, {
      method: 'OPTIONS',
      headers: { Origin: AGENT_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(agentPreflight.headers.get('access-control-allow-origin')).toBe(AGENT_ORIGIN);
    expect(agentPreflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(agentPreflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const sitePreflight = await fetch(`${stack.url}/requests/current`, {
      method: 'OPTIONS',
      headers: { Origin: SITE_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(sitePreflight.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect(sitePreflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const elsewhere = await fetch(`${stack.url}/requests/current`, { headers: { ...bearer(await guest()), Origin: 'https://evil.example' } });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    // The site is no console: it cannot ask.
    const fromSite = await fetch(`${stack.url}/agent/requests`, {
      method: 'POST',
      headers: { ...bearer(await host()), 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
      body: '{"purpose":"report_move"}',
    });
    expect(fromSite.status).toBe(403);
    expect(await agentCurrent()).toBeNull();
  });
});

describe('caps and limits', () => {
  it('caps resident request streams per conversation (429) and overall (503)', async () => {
    await start({ env: { IDC_REQUEST_STREAMS_PER_CONVERSATION: '1', IDC_MAX_STREAMS: '2' } });
    const refused = async (conversation: string) =>
      fetch(`${stack.url}/requests/events`, { headers: { ...bearer(await guest(conversation)), Origin: SITE_ORIGIN } });
    const first = await residentStream('conv-1');
    expect(first.response.status).toBe(200);
    const second = await refused('conv-1');
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: 'too_many_request_streams' });
    expect((await residentStream('conv-2')).response.status).toBe(200);
    const third = await refused('conv-3');
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('10');
    expect(await third.json()).toMatchObject({ error: 'too_many_streams' });
    // A stream that ends gives its slot back.
    first.close();
    await expect.poll(async () => {
      const again = await residentStream('conv-1');
      again.close();
      return again.response.status;
    }, { timeout: 3000 }).toBe(200);
  });

  it('limits reads and declines per conversation (429 with Retry-After); other conversations go on', async () => {
    await start();
    const ticket = await guest('conv-1');
    let last: Response | undefined;
    for (let i = 0; i < 61; i++) last = await fetch(`${stack.url}/requests/current`, { headers: { ...bearer(ticket), Origin: SITE_ORIGIN } });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({ error: 'rate_limited' });
    expect(await residentCurrent('conv-2')).toBeNull();
  });

  it('limits asks per conversation (429 with Retry-After), counted before the core is asked', async () => {
    await start();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await ask('conv-1', 'adopt_a_dragon')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
    const limited = await ask('conv-1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await agentCurrent()).toBeNull();
    await askOk('conv-2');
  });

  it('ends a resident stream with ticket_expired when the guest ticket runs out, and sends heartbeats', async () => {
    await start({ deps: { heartbeatMs: 50 } });
    const reader = await residentStream('conv-1', stack.url, { expiresIn: -29 });
    expect(await nextRequest(reader)).toBeNull();
    const seen: string[] = [];
    for (;;) {
      const message = await reader.next(3000);
      if (!message) break;
      seen.push(message.event ?? `: ${message.comment}`);
      if (message.event === 'ticket_expired') break;
    }
    expect(seen).toContain(': heartbeat');
    expect(seen.at(-1)).toBe('ticket_expired');
    expect(await reader.ended(1000)).toBe(true);
  });
});

describe('across two instances on one Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('a request made on A reaches a resident stream on B; a decline on B reaches the employee on A', async () => {
    const prefix = `vr-${randomBytes(4).toString('hex')}:`;
    const key = randomBytes(32);
    const storeA = new RedisSessionStore({ url: redis.url, key, prefix });
    const storeB = new RedisSessionStore({ url: redis.url, key, prefix });
    await start({ deps: { store: storeA } });
    const appB = createApp(stack.config, { store: storeB, logger: stack.logger });
    const b = await serveApp({ fetch: (request, env) => appB.fetch(request, env) });
    try {
      const employee = await agentStream('conv-1', stack.url);
      const resident = await residentStream('conv-1', b.url);
      expect(await nextRequest(resident)).toBeNull();
      const request = await askOk('conv-1');
      expect(await nextRequest(resident)).toMatchObject({ id: request.id, status: 'pending', purpose_name: 'Verhuizing doorgeven' });
      await nextRequest(employee);
      const declined = await fetch(`${b.url}/requests/${request.id}/decline`, { method: 'POST', headers: { ...bearer(await guest()), Origin: SITE_ORIGIN } });
      expect(declined.status).toBe(204);
      expect(await nextRequest(employee)).toMatchObject({ id: request.id, status: 'declined' });
      // One open request per conversation across instances.
      expect((await ask('conv-1', 'report_move', b.url)).status).toBe(201);
      expect((await ask('conv-1', 'report_move', stack.url)).status).toBe(409);
    } finally {
      b.server.closeAllConnections();
      await b.close();
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
});
