/**
 * The employee's side and the widget's feedback calls, over real HTTP: open
 * employee streams per conversation are capped (across instances on one Redis
 * too) and their slots come back when a stream ends; `Bearer` is taken in any
 * case; a page not on IDC_AGENT_ORIGINS is told that list's name.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApp, type RunningServer } from '../src/http/serve.ts';
import { digest, randomSecret } from '../src/crypto/secrets.ts';
import { RedisSessionStore } from '../src/store/redis/redis-store.ts';
import { SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';
import { startRedisServer, type RedisServer } from '../../testkit/redis-server.ts';
import { openSse, type SseReader } from '../../testkit/sse.ts';
import { stacksPerTest, type Stack } from '../../testkit/stack.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const AGENT_ORIGIN = 'https://agent.gemeente.example';
const stacks = stacksPerTest();
let stack: Stack;
let secret: string;

async function start(env: Record<string, string> = {}) {
  secret = newTicketSecret();
  stack = await stacks.start({ env: { IDC_TICKET_SECRET: secret, IDC_AGENT_ORIGINS: AGENT_ORIGIN, ...env } });
  return stack;
}

const host = (conversation = 'conv-1') => mintTicket('host', secret, { conversation });
const agentEvents = async (conversation = 'conv-1', base = stack.url) =>
  stacks.open(`${base}/agent/events`, { Authorization: `Bearer ${await host(conversation)}` });
/** A stream request whose refusal is read (an SSE reader holds the body). */
const agentEventsRefusal = async (conversation = 'conv-1') =>
  fetch(`${stack.url}/agent/events`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${await host(conversation)}` } });

describe('GET /agent/events: streams per conversation', () => {
  it('past IDC_AGENT_STREAMS_PER_CONVERSATION (default 10), answers 429 too_many_agent_streams; other conversations go on', async () => {
    await start();
    for (let i = 0; i < 10; i += 1) expect((await agentEvents()).response.status).toBe(200);
    const refused = await agentEventsRefusal();
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body).toMatchObject({ error: 'too_many_agent_streams', message: expect.stringContaining('IDC_AGENT_STREAMS_PER_CONVERSATION') });
    expect(JSON.stringify(body)).not.toContain('conv-1');
    expect((await agentEvents('conv-2')).response.status).toBe(200);
  });

  it('gives a slot back when a stream ends (the console goes away)', async () => {
    await start({ IDC_AGENT_STREAMS_PER_CONVERSATION: '2' });
    const first = await agentEvents();
    expect(first.response.status).toBe(200);
    expect((await agentEvents()).response.status).toBe(200);
    expect((await agentEvents()).response.status).toBe(429);
    first.close();
    await expect.poll(async () => (await agentEvents()).response.status, { timeout: 3000 }).toBe(200);
  });

  it('gives a slot back when the ticket runs out and the stream ends', async () => {
    await start({ IDC_AGENT_STREAMS_PER_CONVERSATION: '1' });
    // exp 29 s ago: still accepted (30 s of clock tolerance), so the stream ends within a second.
    const shortLived = await mintTicket('host', secret, { conversation: 'conv-1', expiresIn: -29 });
    const stream = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${shortLived}` });
    expect(stream.response.status).toBe(200);
    expect(await stream.ended(5000)).toBe(true);
    await expect.poll(async () => (await agentEvents()).response.status, { timeout: 3000 }).toBe(200);
  });

  it('still answers 503 too_many_streams when all streams (IDC_MAX_STREAMS) are taken', async () => {
    await start({ IDC_MAX_STREAMS: '1' });
    expect((await agentEvents('conv-1')).response.status).toBe(200);
    const refused = await agentEventsRefusal('conv-2');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'too_many_streams' });
  });
});

describe('GET /agent/events: the cap is per conversation across instances', () => {
  let redis: RedisServer;
  const servers: RunningServer[] = [];
  const stores: RedisSessionStore[] = [];
  const readers: SseReader[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const reader of readers) reader.close();
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(stores.map((store) => store.close()));
    await redis?.close();
  });

  it('counts the streams of both instances together', async () => {
    secret = newTicketSecret();
    const prefix = `t-${randomSecret().slice(0, 8)}:`;
    const key = randomBytes(32);
    const instance = async () => {
      const store = new RedisSessionStore({ url: redis.url, key, prefix });
      stores.push(store);
      const { app } = testBackend({ env: { IDC_TICKET_SECRET: secret, IDC_AGENT_STREAMS_PER_CONVERSATION: '3' }, deps: { store } });
      const server = await serveApp(app);
      servers.push(server);
      return server.url;
    };
    const [a, b] = await Promise.all([instance(), instance()]);
    const open = async (base: string) => {
      const reader = await openSse(`${base}/agent/events`, { Authorization: `Bearer ${await host()}` });
      readers.push(reader);
      return reader;
    };
    const statuses = [];
    for (const base of [a, b, a, b]) statuses.push((await open(base)).response.status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    readers[0]!.close();
    await expect.poll(async () => (await open(b)).response.status, { timeout: 3000 }).toBe(200);
  });
});

describe('Authorization: the Bearer scheme in any case', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('takes "%s" on /agent/*', async (scheme) => {
    await start();
    const response = await fetch(`${stack.url}/agent/identities`, { headers: { Authorization: `${scheme} ${await host()}` } });
    expect(response.status).toBe(200);
  });

  it('still refuses another scheme, or none, with 401 ticket_required', async () => {
    await start();
    for (const authorization of [`Basic ${await host()}`, await host(), 'Bearer']) {
      const response = await fetch(`${stack.url}/agent/identities`, { headers: { Authorization: authorization } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'ticket_required' });
    }
  });

  it.each(['bearer', 'BEARER'])('takes "%s" on the session feedback calls', async (scheme) => {
    stack = await stacks.start();
    const id = randomSecret();
    const token = randomSecret();
    await stack.store.create({
      id,
      identityId: randomSecret(),
      purpose: 'report_move',
      streamTokenDigest: digest(token),
      createdAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    const call = (authorization: string) =>
      fetch(`${stack.url}/sessions/${id}/activity`, { method: 'POST', headers: { Authorization: authorization, Origin: SITE_ORIGIN } });
    const response = await call(`${scheme} ${token}`);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ forwarded: false });
    expect((await call(`Basic ${token}`)).status).toBe(403);
  });
});

describe('a page on an origin not listed', () => {
  it('is told IDC_AGENT_ORIGINS on /agent/*, and IDC_ALLOWED_ORIGINS on the residents\' routes', async () => {
    await start();
    const agent = await fetch(`${stack.url}/agent/identities`, { headers: { Origin: SITE_ORIGIN, Authorization: `Bearer ${await host()}` } });
    expect(agent.status).toBe(403);
    const agentError = await agent.json();
    expect(agentError).toMatchObject({ error: 'origin_not_allowed' });
    expect(agentError.message).toContain('IDC_AGENT_ORIGINS');
    expect(agentError.message).not.toContain('IDC_ALLOWED_ORIGINS');

    const resident = await fetch(`${stack.url}/sessions`, {
      method: 'POST',
      headers: { Origin: AGENT_ORIGIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma' }),
    });
    expect(resident.status).toBe(403);
    expect((await resident.json()).message).toContain('IDC_ALLOWED_ORIGINS');
  });
});
