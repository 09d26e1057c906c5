/**
 * Several backend processes on one Redis, as a load balancer would spread a
 * municipality's traffic: any instance serves any request, state is shared
 * exactly once, a killed instance loses nothing, and Redis going away is a
 * 503 (never a 500 or a crash) until it is back.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { serveApp } from '../src/http/serve.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { backendEnv, startBackendProcess } from '../../testkit/backend-process.ts';
import { rsaKeyPair, type TestKeyPair } from '../../testkit/keys.ts';
import { startRedisServer, type RedisServer } from '../../testkit/redis-server.ts';
import { openSse, type SseReader } from '../../testkit/sse.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';
import { encryptPayload, signClaims, validClaims } from '../../testkit/tokens.ts';

let redis: RedisServer;
let ours: TestKeyPair;
let plugin: TestKeyPair;
const ticketSecret = newTicketSecret();
const children: ChildProcess[] = [];
const streams: SseReader[] = [];
let prefixCount = 0;

beforeAll(async () => {
  ours = rsaKeyPair();
  plugin = rsaKeyPair();
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.close();
});
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Two (or more) instances on one Redis, each with its own port; a fresh key prefix per test. */
async function instances(count: number, extra: Record<string, string> = {}): Promise<string[]> {
  const prefix = `t${++prefixCount}:`;
  return Promise.all(Array.from({ length: count }, () => startInstance(prefix, extra)));
}

async function startInstance(prefix: string, extra: Record<string, string> = {}): Promise<string> {
  const backend = startBackendProcess(
    backendEnv({ ours, plugin }, { IDC_REDIS_URL: redis.url, IDC_REDIS_PREFIX: prefix, IDC_TICKET_SECRET: ticketSecret, ...extra }),
  );
  children.push(backend.child);
  return backend.url;
}

const json = { 'Content-Type': 'application/json' };

async function withRedis<T>(url: string, use: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const client = createClient({ url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}

/** The core starts a conversation on one instance: the chat link's reference, and the attr_url's path. */
async function coreStarts(base: string): Promise<{ reference: string; attrPath: string }> {
  const response = await fetch(`${base}/start_communication`, { method: 'POST', headers: json, body: '{"purpose":"report_move"}' });
  expect(response.status).toBe(200);
  const started = await response.json();
  return {
    reference: new URL(started.client_url).searchParams.get('id-contact-session')!,
    attrPath: new URL(started.attr_url).pathname,
  };
}

async function attach(base: string, reference: string, conversation = 'conv-1'): Promise<Response> {
  const ticket = await mintTicket('guest', ticketSecret, { conversation });
  return fetch(`${base}/sessions/attach`, { method: 'POST', headers: { ...json, Origin: SITE_ORIGIN }, body: JSON.stringify({ reference, ticket }) });
}

/** The events URL of an attached session, on any instance (`events_url` names the placeholder public URL). */
function eventsOn(base: string, eventsUrl: string): string {
  const url = new URL(eventsUrl);
  return `${base}${url.pathname}${url.search}`;
}

async function open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const stream = await openSse(url, headers);
  streams.push(stream);
  return stream;
}

async function resultToken(attributes: Record<string, string> = { bsn: '999993653', fullname: 'Sanne de Vries' }): Promise<string> {
  const njwt = await signClaims(validClaims({ attributes }), plugin.privateKey, 'RS256');
  return encryptPayload({ njwt }, ours.publicKey);
}

function postResult(base: string, attrPath: string, token: string): Promise<Response> {
  return fetch(`${base}${attrPath}`, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: token });
}

/** Reads events until one of `name` comes (or none within the timeout). */
async function nextEvent(stream: SseReader, name: string, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const message = await stream.next(until - Date.now());
    if (!message) return undefined;
    if (message.event === name) return message;
  }
  return undefined;
}

/** A core that starts every login at one plugin page, recording the attr_url it was given. */
async function coreStub() {
  const starts: Array<{ attr_url: string }> = [];
  const methods = [{ tag: 'irma', name: 'Yivi', image_path: '/irma.svg' }];
  const server = await serveApp(
    new Hono()
      .get('/session_options/:purpose', (c) => c.json({ auth_methods: methods, comm_methods: [] }))
      .post('/start', async (c) => (starts.push(await c.req.json()), c.json({ client_url: 'https://auth.example/login/1' }))),
  );
  return { url: server.url, starts, close: () => server.close() };
}

/** The binding's steps spread over instances (one origin behind a load balancer): a browser's cookie goes to each. */
describe('the login binding across instances', () => {
  it('launch on A, the own return on B, the result on A: released to the stream on B; a foreign return on B refuses', async () => {
    const core = await coreStub();
    try {
      const [a, b] = await instances(2, { IDC_CORE_URL: core.url, IDC_BINDING_SETTLE_MS: '200' });
      const begin = async () => {
        const ticket = await mintTicket('guest', ticketSecret, { conversation: 'conv-1' });
        const body = JSON.stringify({ purpose: 'report_move', auth_method: 'irma', ticket });
        const response = await fetch(`${a}/sessions`, { method: 'POST', headers: { ...json, Origin: SITE_ORIGIN }, body });
        expect(response.status).toBe(201);
        const session = await response.json();
        const stream = await open(eventsOn(b!, session.events_url));
        expect((await stream.next())?.event).toBe('state');
        const launch = await fetch(`${a}${new URL(session.launch_url).pathname}`, {
          method: 'POST',
          headers: { Origin: SITE_ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: session.launch_token }),
          redirect: 'manual',
        });
        expect(launch.status).toBe(200);
        const cookie = launch.headers.getSetCookie()[0]!.split(';')[0]!;
        return { session, stream, cookie, attrPath: new URL(core.starts.at(-1)!.attr_url).pathname };
      };

      const own = await begin();
      const ownReturn = await fetch(`${b}/return/${own.session.session_id}`, { headers: { Cookie: own.cookie } });
      expect(ownReturn.status).toBe(200);
      expect((await postResult(a!, own.attrPath, await resultToken())).status).toBe(200);
      expect(JSON.parse((await nextEvent(own.stream, 'result'))!.data!)).toMatchObject({ status: 'succes', attributes: { bsn: '999993653' } });

      const stolen = await begin();
      expect((await postResult(a!, stolen.attrPath, await resultToken({ bsn: '123456782' }))).status).toBe(200);
      expect((await fetch(`${b}/return/${stolen.session.session_id}`)).status).toBe(403);
      // The launching browser's return on A, later, changes nothing.
      await fetch(`${a}/return/${stolen.session.session_id}`, { headers: { Cookie: stolen.cookie } });
      expect(JSON.parse((await nextEvent(stolen.stream, 'result'))!.data!)).toEqual({ status: 'failed', reason: 'other_browser' });
    } finally {
      await core.close();
    }
  });
});

describe('two instances on one Redis', () => {
  it('delivers a result posted to A to the stream on B', async () => {
    const [a, b] = await instances(2);
    const { reference, attrPath } = await coreStarts(a!);
    const attached = await (await attach(b!, reference)).json();
    const stream = await open(eventsOn(b!, attached.events_url));
    expect((await stream.next())?.event).toBe('state');

    expect((await postResult(a!, attrPath, await resultToken())).status).toBe(200);
    const result = await nextEvent(stream, 'result');
    expect(JSON.parse(result!.data!)).toMatchObject({ status: 'succes', attributes: { bsn: '999993653' } });
  });

  it('refuses on B a result already used on A (409)', async () => {
    const [a, b] = await instances(2);
    const token = await resultToken();
    const first = await coreStarts(a!);
    expect((await postResult(a!, first.attrPath, token)).status).toBe(200);
    const second = await coreStarts(b!);
    const replay = await postResult(b!, second.attrPath, token);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: 'result_replayed' });
  });

  it('lets one of A and B win a reference exchanged on both at once', async () => {
    const [a, b] = await instances(2);
    for (let round = 0; round < 5; round++) {
      const { reference } = await coreStarts(a!);
      const statuses = (await Promise.all([attach(a!, reference), attach(b!, reference)])).map((response) => response.status).sort();
      expect(statuses).toEqual([200, 404]);
    }
  });

  it('shares the stream cap and the rate limit', async () => {
    const [a, b] = await instances(2, { IDC_MAX_STREAMS: '1', IDC_SESSIONS_PER_MINUTE: '3' });
    const one = await coreStarts(a!);
    const two = await coreStarts(a!);
    const first = await (await attach(a!, one.reference)).json();
    const second = await (await attach(b!, two.reference)).json();
    const held = await open(eventsOn(a!, first.events_url));
    expect(held.response.status).toBe(200);
    const refused = await fetch(eventsOn(b!, second.events_url), { headers: { Accept: 'text/event-stream' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('Retry-After')).toBeTruthy();
    await refused.arrayBuffer();

    // Two attaches counted above, on A and B; one more anywhere is the third, then 429 anywhere.
    const three = await coreStarts(b!);
    expect((await attach(b!, three.reference)).status).toBe(200);
    const four = await coreStarts(a!);
    const limited = await attach(a!, four.reference);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBeTruthy();
  });

  it("shows the employee's stream on B a verification that arrived at A", async () => {
    const [a, b] = await instances(2);
    const hostTicket = await mintTicket('host', ticketSecret, { conversation: 'conv-agent' });
    const agent = await open(`${b}/agent/events`, { Authorization: `Bearer ${hostTicket}` });
    expect(agent.response.status).toBe(200);

    const { reference, attrPath } = await coreStarts(a!);
    expect((await attach(a!, reference, 'conv-agent')).status).toBe(200);
    expect((await postResult(a!, attrPath, await resultToken())).status).toBe(200);
    for (;;) {
      const identity = await nextEvent(agent, 'identity');
      expect(identity).toBeDefined();
      const data = JSON.parse(identity!.data!);
      if (data.status !== 'verified') continue;
      expect(data.attributes).toMatchObject({ bsn: '999993653', fullname: 'Sanne de Vries' });
      break;
    }
  });
});

describe('an instance killed and started again', () => {
  it('serves the sessions made before, accepts their results and delivers them', async () => {
    const prefix = `t${++prefixCount}:`;
    const a = await startInstance(prefix);
    const { reference, attrPath } = await coreStarts(a);
    const attached = await (await attach(a, reference)).json();
    children.at(-1)!.kill('SIGKILL');

    const again = await startInstance(prefix);
    const stream = await open(eventsOn(again, attached.events_url));
    expect(stream.response.status).toBe(200);
    expect((await postResult(again, attrPath, await resultToken())).status).toBe(200);
    expect(await nextEvent(stream, 'result')).toBeDefined();
  });
});

describe('webhooks pending when an instance stops', () => {
  it('are delivered by another instance after a stop, with the same webhook-id', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const attempts: Array<{ id: string; type: string }> = [];
    const verifier = new Webhook(secret);
    const receiver = await serveApp(
      new Hono().post('/hook', async (c) => {
        const body = await c.req.text();
        const event = verifier.verify(body, Object.fromEntries(c.req.raw.headers)) as { type: string };
        attempts.push({ id: c.req.header('webhook-id')!, type: event.type });
        // The first attempt fails: the delivery stays pending, for a retry.
        return c.body(null, attempts.length === 1 ? 500 : 204);
      }),
    );
    try {
      const prefix = `t${++prefixCount}:`;
      const webhook = { IDC_WEBHOOK_URL: `${receiver.url}/hook`, IDC_WEBHOOK_SECRET: secret };
      const a = await startInstance(prefix, webhook);
      const { reference, attrPath } = await coreStarts(a);
      expect((await attach(a, reference, 'conv-hook')).status).toBe(200);
      expect((await postResult(a, attrPath, await resultToken())).status).toBe(200);
      await expect.poll(() => attempts.length).toBe(1);
      // A redeploy: A stops with the delivery due for a retry (its stop waits for the pass under way).
      const stopped = new Promise((resolve) => children.at(-1)!.once('exit', resolve));
      children.at(-1)!.kill('SIGTERM');
      await stopped;

      await startInstance(prefix, webhook);
      await expect.poll(() => attempts.length, { timeout: 10_000 }).toBe(2);
      expect(attempts[1]).toEqual(attempts[0]);
      expect(attempts[0]!.type).toBe('identity.verified');
    } finally {
      await receiver.close();
    }
  });
});

describe('Redis unreachable at start-up', () => {
  it('says so naming IDC_REDIS_URL without the password, keeps running, and is ready once Redis answers', async () => {
    const port = redis.port;
    await redis.stop();
    let started = false;
    try {
      const backend = startBackendProcess(
        backendEnv({ ours, plugin }, { IDC_REDIS_URL: `redis://default:s3cret-pw@127.0.0.1:${port}`, IDC_REDIS_PREFIX: `t${++prefixCount}:` }),
      );
      children.push(backend.child);
      const base = await backend.url;
      // In the log (JSON lines on stdout by default).
      const log = () => backend.stdout() + backend.stderr();
      await expect.poll(log, { timeout: 10_000 }).toContain('IDC_REDIS_URL');
      expect(log()).toContain(`redis://127.0.0.1:${port}`);
      expect(backend.stderr() + backend.stdout()).not.toContain('s3cret-pw');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      await redis.start();
      started = true;
      // This Redis wants the password the URL gives (until the end of this test).
      await withRedis(redis.url, (client) => client.sendCommand(['CONFIG', 'SET', 'requirepass', 's3cret-pw']));
      await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 10_000 }).toBe(200);
      const { reference } = await coreStarts(base);
      expect((await attach(base, reference)).status).toBe(200);
    } finally {
      if (!started) await redis.start();
      else await withRedis(`redis://default:s3cret-pw@127.0.0.1:${port}`, (client) => client.sendCommand(['CONFIG', 'SET', 'requirepass', '']));
    }
  });
});

describe('Redis stopped and started again', () => {
  it('answers 503 store_unavailable meanwhile, never 500, does not crash, then works as before', async () => {
    const [a] = await instances(1);
    const before = await coreStarts(a!);
    const attached = await (await attach(a!, before.reference)).json();
    const stream = await open(eventsOn(a!, attached.events_url));
    expect((await stream.next())?.event).toBe('state');

    await redis.stop();
    try {
      // Open streams end, so their EventSource reconnects (here or elsewhere).
      expect(await stream.ended(8000)).toBe(true);
      const statuses: number[] = [];
      const down = await fetch(`${a}/start_communication`, { method: 'POST', headers: json, body: '{"purpose":"report_move"}' });
      statuses.push(down.status);
      expect(down.headers.get('Retry-After')).toBeTruthy();
      expect(await down.json()).toMatchObject({ error: 'store_unavailable' });
      statuses.push((await attach(a!, before.reference)).status);
      statuses.push((await postResult(a!, before.attrPath, await resultToken())).status);
      statuses.push((await fetch(eventsOn(a!, attached.events_url))).status);
      const ready = await fetch(`${a}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable' });
      expect((await fetch(`${a}/healthz`)).status).toBe(200);
      expect(statuses.every((status) => status === 503)).toBe(true);
    } finally {
      await redis.start();
    }

    await expect.poll(async () => (await fetch(`${a}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    const after = await coreStarts(a!);
    const again = await (await attach(a!, after.reference)).json();
    const fresh = await open(eventsOn(a!, again.events_url));
    expect((await postResult(a!, after.attrPath, await resultToken())).status).toBe(200);
    expect(await nextEvent(fresh, 'result')).toBeDefined();
  });
});

describe('what Redis holds', () => {
  it('has no attribute value in the clear in its RDB dump after a verified login', async () => {
    const [a] = await instances(1);
    const attributes = { bsn: '123456782', fullname: 'Xandra Unieknaam', email: 'xandra.unieknaam@example.nl' };
    const hostTicket = await mintTicket('host', ticketSecret, { conversation: 'conv-rdb' });
    const { reference, attrPath } = await coreStarts(a!);
    expect((await attach(a!, reference, 'conv-rdb')).status).toBe(200);
    expect((await postResult(a!, attrPath, await resultToken(attributes))).status).toBe(200);
    // The employee's copy is there too, verified.
    const listed = await (await fetch(`${a}/agent/identities`, { headers: { Authorization: `Bearer ${hostTicket}` } })).json();
    expect(listed.identities.at(-1)).toMatchObject({ status: 'verified', attributes });

    await withRedis(redis.url, (client) => client.sendCommand(['SAVE']));
    const dump = readFileSync(join(redis.dir, 'dump.rdb'));
    for (const value of Object.values(attributes)) expect(dump.includes(Buffer.from(value)), value).toBe(false);
    // Sanity: the dump has the keys (so the check looked at something).
    expect(dump.length).toBeGreaterThan(200);
  });
});
