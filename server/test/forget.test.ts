/**
 * Forget, completely, over real HTTP with the webhooks a site's server gets:
 * DELETE /agent/identities cancels queued deliveries that carry the
 * conversation's attributes (memory and Redis outbox) and sends
 * identity.forgotten instead; a forgotten login stays forgotten whatever its
 * result does later; and no identity webhook goes out for a login bound to
 * no conversation (a core-started one's goes when the chat page binds it).
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { Identity, SESSION_REFERENCE_PARAM, IdentityWebhookEvent as WebhookEvent } from '../src/protocol.ts';
import { serveApp } from '../src/http/serve.ts';
import { RedisSessionStore } from '../src/store/redis/redis-store.ts';
import type { SessionStore } from '../src/store/session-store.ts';
import { MemoryWebhookOutbox } from '../src/webhook/memory-outbox.ts';
import type { WebhookOutbox } from '../src/webhook/outbox.ts';
import { WebhookSender } from '../src/webhook/webhook-sender.ts';
import { recordingLogger, SITE_ORIGIN } from '../../testkit/backend.ts';
import { startRedisServer, type RedisServer } from '../../testkit/redis-server.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';
import { PLUGIN_CREDENTIALS, TEST_PERSON, stacksPerTest, type Stack } from '../../testkit/stack.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const WHSEC = `whsec_${randomBytes(32).toString('base64')}`;
/** Closed after the stack (hooks after a test run last-registered first). */
const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});
const stacks = stacksPerTest();
let stack: Stack;
let secret: string;

/** The site's webhook endpoint: checks each signature, answers 503 while `failing`, keeps what it took. */
async function webhookReceiver() {
  const verifier = new Webhook(WHSEC);
  const hook = { failing: false, attempts: [] as WebhookEvent[], taken: [] as WebhookEvent[], url: '' };
  const server = await serveApp(
    new Hono().post('/hook', async (c) => {
      const body = await c.req.text();
      // Kept as it came (checked against the schema by the tests), so a malformed one is seen too.
      const event = verifier.verify(body, Object.fromEntries(c.req.raw.headers)) as WebhookEvent;
      hook.attempts.push(event);
      if (hook.failing) return c.body(null, 503);
      hook.taken.push(event);
      return c.body(null, 204);
    }),
  );
  closing.push(() => server.close());
  hook.url = `${server.url}/hook`;
  return hook;
}

interface BackendOptions {
  store?: SessionStore;
  outbox?: WebhookOutbox;
  env?: Record<string, string>;
  retryDelaysMs?: number[];
}

/**
 * A backend whose webhooks go to `hook`, retried every 100 ms unless told (the real schedule starts
 * at 2 s), through `outbox` (the memory outbox unless given), on `store` (the stack's unless given).
 */
async function start(hook: { url: string }, { store, outbox, env = {}, retryDelaysMs = Array(10).fill(100) }: BackendOptions = {}) {
  secret = newTicketSecret();
  const webhooks = new WebhookSender({
    url: hook.url,
    secret: WHSEC,
    logger: recordingLogger(),
    outbox: outbox ?? new MemoryWebhookOutbox(),
    retryDelaysMs,
  });
  closing.push(() => webhooks.close());
  stack = await stacks.start({
    env: { IDC_TICKET_SECRET: secret, ...env },
    deps: { webhooks, ...(store ? { store } : {}) },
    plugin: { withSession: true },
  });
  return stack;
}

const guest = (conversation: string) => mintTicket('guest', secret, { conversation });
const host = (conversation: string) => mintTicket('host', secret, { conversation });

/** A widget-started login in `conversation`; its session. */
async function startLogin(conversation?: string) {
  const response = await fetch(`${stack.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', ...(conversation ? { ticket: await guest(conversation) } : {}) }),
  });
  expect(response.status).toBe(201);
  return response.json();
}

/** A resident of `conversation` logs in through the test auth plugin, all the way back to the comm_url. */
async function residentLogsIn(conversation?: string) {
  const session = await startLogin(conversation);
  await new ResidentBrowser(stack.url).logIn(session);
  return session;
}

async function identities(conversation: string): Promise<Identity[]> {
  const response = await fetch(`${stack.url}/agent/identities`, { headers: { Authorization: `Bearer ${await host(conversation)}` } });
  expect(response.status).toBe(200);
  return (await response.json()).identities;
}

async function forget(conversation: string) {
  const response = await fetch(`${stack.url}/agent/identities`, { method: 'DELETE', headers: { Authorization: `Bearer ${await host(conversation)}` } });
  expect(response.status).toBe(204);
}

/** The core starts a chat (`POST /start_communication`); the chat link's reference and the attr_url. */
async function coreStarts(body: Record<string, unknown> = {}) {
  const basic = `Basic ${Buffer.from(`${PLUGIN_CREDENTIALS.user}:${PLUGIN_CREDENTIALS.password}`).toString('base64')}`;
  const response = await fetch(`${stack.url}/start_communication`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: basic },
    body: JSON.stringify({ purpose: 'report_move', ...body }),
  });
  expect(response.status).toBe(200);
  const answer = await response.json();
  return { reference: new URL(answer.client_url).searchParams.get(SESSION_REFERENCE_PARAM)!, attrUrl: answer.attr_url as string | undefined };
}

/** The chat page exchanges the reference, with a guest ticket of `conversation` if given. */
async function chatPageAttaches(reference: string, conversation?: string) {
  const response = await fetch(`${stack.url}/sessions/attach`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ reference, ...(conversation ? { ticket: await guest(conversation) } : {}) }),
  });
  expect(response.status).toBe(200);
}

const resultToken = (status: 'succes' | 'failed' = 'succes') =>
  createResultToken(
    { status, ...(status === 'succes' ? { attributes: { bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname } } : {}) },
    { signingKey: stacks.keys.plugin.privateKey, encryptionKey: stacks.keys.ours.publicKey },
  );

async function postResult(attrUrl: string, status: 'succes' | 'failed' = 'succes') {
  const response = await fetch(attrUrl, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: await resultToken(status) });
  expect(response.status).toBe(200);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const of = (events: WebhookEvent[], conversation: string) => events.filter((event) => event.data.conversation === conversation);

describe.each(['memory', 'Redis'] as const)('DELETE /agent/identities and the webhooks (%s outbox)', (kind) => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (kind === 'Redis') redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });

  /** The outbox (and, for Redis, the store it shares a connection with) of one backend. */
  function backendParts(): { store?: SessionStore; outbox?: WebhookOutbox } {
    if (!redis) return {};
    const store = new RedisSessionStore({ url: redis.url, key: randomBytes(32), prefix: `t-${randomBytes(6).toString('hex')}:` });
    closing.push(() => store.close());
    return { store, outbox: store.webhookOutbox() };
  }

  it('cancels a verified delivery queued while the receiver fails, so it never arrives with attributes, and sends identity.forgotten', async () => {
    const hook = await webhookReceiver();
    hook.failing = true;
    // The first retry a second later: no attempt is under way while Forget runs (one could not be recalled).
    await start(hook, { ...backendParts(), retryDelaysMs: [1000, ...Array(10).fill(100)] });
    const forgottenLogin = await residentLogsIn('conv-1');
    await residentLogsIn('conv-2');
    // Both verified deliveries were tried and failed: they wait for their retry, attributes and all.
    await expect.poll(() => hook.attempts.map((event) => event.type), { timeout: 3000 }).toEqual(['identity.verified', 'identity.verified']);
    expect(hook.attempts[0]!.data.attributes).toEqual({ bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname });

    await forget('conv-1');
    const attemptsBefore = hook.attempts.length;
    hook.failing = false;
    // The other conversation's delivery still comes, on its retry: only conv-1's was cancelled.
    await expect.poll(() => of(hook.taken, 'conv-2').map((event) => event.type), { timeout: 4000 }).toEqual(['identity.verified']);
    await expect.poll(() => of(hook.taken, 'conv-1').map((event) => event.type), { timeout: 3000 }).toEqual(['identity.forgotten']);
    // Several retry rounds later, still nothing of conv-1 with attributes.
    await sleep(400);
    const forgotten = of(hook.taken, 'conv-1');
    expect(forgotten.map((event) => event.type)).toEqual(['identity.forgotten']);
    expect(forgotten[0]!.data).toMatchObject({ status: 'forgotten', purpose: 'report_move', conversation: 'conv-1' });
    expect(forgotten[0]!.data).not.toHaveProperty('attributes');
    expect(JSON.stringify(of(hook.attempts.slice(attemptsBefore), 'conv-1'))).not.toContain(TEST_PERSON.bsn);
    // The notice names the identity the employee's side knows, not the session.
    expect(forgotten[0]!.data.id).toBe((await identities('conv-1'))[0]!.id);
    expect(forgotten[0]!.data.id).not.toBe(forgottenLogin.session_id);
    for (const event of hook.attempts) expect(WebhookEvent.parse(event)).toEqual(event);
    expect(stack.logger.lines.join('\n')).not.toContain(TEST_PERSON.bsn);
  });

  it('sends identity.forgotten once per identity: a second DELETE changes nothing and sends nothing', async () => {
    const hook = await webhookReceiver();
    await start(hook, backendParts());
    await residentLogsIn('conv-1');
    await startLogin('conv-1');
    await expect.poll(() => hook.taken.length, { timeout: 3000 }).toBe(1);
    await forget('conv-1');
    await expect.poll(() => hook.taken.map((event) => event.type), { timeout: 3000 }).toEqual([
      'identity.verified',
      'identity.forgotten',
      'identity.forgotten',
    ]);
    await forget('conv-1');
    await sleep(300);
    expect(hook.taken).toHaveLength(3);
    expect((await identities('conv-1')).map((identity) => identity.status)).toEqual(['forgotten', 'forgotten']);
  });

  it('keeps a login forgotten when its result comes after the Forget: no verified identity, no identity.verified webhook', async () => {
    const hook = await webhookReceiver();
    await start(hook, backendParts());
    const { reference, attrUrl } = await coreStarts();
    await chatPageAttaches(reference, 'conv-1');
    expect((await identities('conv-1')).map((identity) => identity.status)).toEqual(['waiting']);
    await forget('conv-1');
    await postResult(attrUrl!);
    const [identity, ...rest] = await identities('conv-1');
    expect(rest).toEqual([]);
    expect(identity).toMatchObject({ status: 'forgotten' });
    expect(identity).not.toHaveProperty('attributes');
    await expect.poll(() => hook.taken.map((event) => event.type), { timeout: 3000 }).toEqual(['identity.forgotten']);
    await sleep(300);
    expect(hook.attempts.map((event) => event.type)).toEqual(['identity.forgotten']);
  });
});

describe('a forgotten widget-started login', () => {
  it('stays forgotten when the resident then completes it, on the list and on a live console', async () => {
    const hook = await webhookReceiver();
    await start(hook);
    const session = await startLogin('conv-1');
    await forget('conv-1');
    const agentStream = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host('conv-1')}` });
    expect(JSON.parse((await agentStream.next(3000))!.data!)).toMatchObject({ status: 'forgotten' });
    // Launch, log in at the plugin (which posts the result to attr_url), return: the result is released.
    await new ResidentBrowser(stack.url).logIn(session);
    expect((await stack.store.get(session.session_id))?.result?.status).toBe('succes');
    expect((await identities('conv-1')).map((identity) => identity.status)).toEqual(['forgotten']);
    expect(await agentStream.next(500)).toBeUndefined();
    await sleep(200);
    expect(hook.attempts.map((event) => event.type)).toEqual(['identity.forgotten']);
  });
});

describe('no identity webhook for a login bound to no conversation', () => {
  it('sends nothing for a widget-started login without a ticket: not its result, not its logout', async () => {
    const hook = await webhookReceiver();
    await start(hook, { env: { IDC_TICKET_SECRET: '' } });
    const session = await startLogin();
    const stream = await stacks.open(session.events_url);
    await new ResidentBrowser(stack.url).logIn(session);
    const events: Array<string | undefined> = [];
    while (events.at(-1) !== 'result' && events.length < 5) events.push((await stream.next(3000))?.event);
    expect(events.at(-1)).toBe('result');
    const token = new URL(session.events_url).searchParams.get('token')!;
    const logout = await fetch(`${stack.url}/sessions/${session.session_id}/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, Origin: SITE_ORIGIN },
    });
    expect(logout.status).toBe(200);
    await sleep(300);
    expect(hook.attempts).toEqual([]);
  });

  it.each(['succes', 'failed'] as const)(
    'holds a core-started login\'s %s result until the chat page binds it, then sends it with the conversation',
    async (status) => {
      const hook = await webhookReceiver();
      await start(hook);
      const { reference, attrUrl } = await coreStarts();
      await postResult(attrUrl!, status);
      await sleep(300);
      expect(hook.attempts).toEqual([]);
      await chatPageAttaches(reference, 'conv-7');
      const type = status === 'succes' ? 'identity.verified' : 'identity.failed';
      await expect.poll(() => hook.taken.map((event) => event.type), { timeout: 3000 }).toEqual([type]);
      const [event] = hook.taken;
      expect(WebhookEvent.parse(event)).toEqual(event);
      expect(event!.data).toMatchObject({ conversation: 'conv-7', status: status === 'succes' ? 'verified' : 'failed', auth_method: null });
      if (status === 'succes') expect(event!.data.attributes).toEqual({ bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname });
      else expect(event!.data).not.toHaveProperty('attributes');
      expect((await identities('conv-7'))[0]).toMatchObject({ id: event!.data.id, status: event!.data.status });
    },
  );

  it('sends the result of a core-started login that started authenticated (auth_result) when it is bound, once', async () => {
    const hook = await webhookReceiver();
    await start(hook);
    const { reference } = await coreStarts({ auth_result: await resultToken() });
    await sleep(200);
    expect(hook.attempts).toEqual([]);
    await chatPageAttaches(reference, 'conv-8');
    await expect.poll(() => hook.taken.map((event) => [event.type, event.data.conversation]), { timeout: 3000 }).toEqual([['identity.verified', 'conv-8']]);
    await sleep(300);
    expect(hook.attempts).toHaveLength(1);
  });

  it('never sends a core-started login\'s result when the chat page binds it to no conversation', async () => {
    const hook = await webhookReceiver();
    await start(hook, { env: { IDC_TICKET_SECRET: '' } });
    const { reference, attrUrl } = await coreStarts();
    await postResult(attrUrl!);
    await chatPageAttaches(reference);
    await sleep(300);
    expect(hook.attempts).toEqual([]);
  });
});

describe('a withdrawn identity (its login returned in another browser after the release)', () => {
  it('cancels its verified webhook still queued, and sends identity.withdrawn', async () => {
    const hook = await webhookReceiver();
    hook.failing = true;
    await start(hook, { retryDelaysMs: [1000, ...Array(10).fill(100)] });
    const session = await residentLogsIn('conv-1');
    await expect.poll(() => hook.attempts.map((event) => event.type), { timeout: 3000 }).toEqual(['identity.verified']);

    // Another browser lands on the login's comm_url.
    expect((await fetch(`${stack.url}/return/${session.session_id}`)).status).toBe(403);
    hook.failing = false;
    await expect.poll(() => hook.taken.map((event) => event.type), { timeout: 3000 }).toEqual(['identity.withdrawn']);
    // Past the retry, still nothing with the details.
    await sleep(1500);
    expect(hook.taken.map((event) => event.type)).toEqual(['identity.withdrawn']);
    expect(JSON.stringify(hook.taken)).not.toContain(TEST_PERSON.bsn);
    expect(hook.taken[0]!.data).toMatchObject({ status: 'withdrawn', reason: 'other_browser', conversation: 'conv-1' });
  });
});
