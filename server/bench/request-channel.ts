/**
 * `npm run bench:requests`: what the request channel (an employee asks the resident to log in,
 * docs/backend-api.md) costs, on one instance with the memory store, the backend as its own
 * process:
 *
 * - memory per listening resident: LISTENERS widgets with `listen`, each in its own
 *   conversation, holding `GET /requests/events` open (and nothing else);
 * - request-to-event latency: REQUESTS `POST /agent/requests` at RATE per second, each timed
 *   until the `request` event reaches that conversation's resident stream;
 * - result-to-event latency with the channel in use: WAITING residents of those conversations
 *   log in (their widget closes the request stream while a login runs, so each holds one stream),
 *   results at RATE per second, timed to the `result` event, while the other listeners stay open.
 *
 * Prints figures; asserts nothing.
 *
 *   BENCH_LISTENERS (10000)  BENCH_REQUESTS (200)  BENCH_WAITING (2000)  BENCH_RATE (50 per second)
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request, type ClientRequest } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { backendEnv, startBackendProcess } from '../../testkit/backend-process.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { rssKb } from '../../testkit/process-probe.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WAITING = Number(process.env.BENCH_WAITING ?? 2_000);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SETUP_CONCURRENCY = 32;
const PURPOSE = 'report_move';
const AGENT_ORIGIN = 'https://console.gemeente.example';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const secret = newTicketSecret();
const children: ChildProcess[] = [];
const setupAgent = new Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });

function call(url: string, method: string, body: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: setupAgent, headers: { ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The core's one call here: session options for the purpose (the backend caches them). */
async function startCoreStandIn(): Promise<{ url: string; close(): void }> {
  const app = new Hono().get('/session_options/:purpose', (c) =>
    c.req.param('purpose') === PURPOSE
      ? c.json({ name: 'Verhuizing doorgeven', auth_methods: [{ tag: 'irma', name: 'Yivi', image_path: '/irma.svg' }], comm_methods: [] })
      : c.json({ error: 'unknown purpose' }, 400),
  );
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    );
  });
}

interface Listener {
  conversation: string;
  guest: string;
  host: string;
}

/** One stream per resident (its own socket, as each browser has); `seen` resolves on the first chunk matching. */
function openStream(url: string, headers: Record<string, string>, watch: (text: string) => void): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', watch);
      resolve(req);
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function report(label: string, latencies: number[]): void {
  latencies.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(66)} p50 ${percentile(latencies, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 0.99).toFixed(1).padStart(6)} ms   max ${latencies.at(-1)!.toFixed(1).padStart(6)} ms`,
  );
}

/** Runs `count` timed jobs at RATE per second; each resolves with its latency. */
async function paced(count: number, job: (i: number) => Promise<number>): Promise<number[]> {
  const pending: Promise<number>[] = [];
  const every = 1000 / RATE;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = started + i * every - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(job(i));
  }
  return Promise.all(pending);
}

console.log(`Request channel: ${LISTENERS} listening residents, ${REQUESTS} requests and ${WAITING} logins at ${RATE}/s (RSA-2048), backend as a process`);
const core = await startCoreStandIn();
const streams: ClientRequest[] = [];
try {
  const backend = startBackendProcess(
    backendEnv(
      { ours, plugin },
      {
        IDC_CORE_URL: core.url,
        IDC_TICKET_SECRET: secret,
        IDC_AGENT_ORIGINS: AGENT_ORIGIN,
        IDC_MAX_STREAMS: String(LISTENERS * 2),
        IDC_MAX_SESSIONS: String(LISTENERS * 2),
        IDC_SESSIONS_PER_MINUTE: '1000000',
        IDC_SESSION_TTL_SECONDS: '3600',
        IDC_AUDIT_LOG: 'stderr',
      },
    ),
  );
  children.push(backend.child);
  const base = await backend.url;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const pid = backend.child.pid!;
  const rssBefore = rssKb(pid) ?? NaN;

  const listeners: Listener[] = await Promise.all(
    Array.from({ length: LISTENERS }, async (_, i) => {
      const conversation = `bench-${i}`;
      return {
        conversation,
        guest: await mintTicket('guest', secret, { conversation, expiresIn: 3600 }),
        host: await mintTicket('host', secret, { conversation, expiresIn: 3600, claims: { agent: 'bench' } }),
      };
    }),
  );
  const pendingSeen = new Map<number, (at: number) => void>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < listeners.length) {
        const i = next++;
        streams.push(
          await openStream(`${base}/requests/events`, { Authorization: `Bearer ${listeners[i]!.guest}`, Origin: SITE_ORIGIN }, (text) => {
            if (text.includes('"pending"')) pendingSeen.get(i)?.(performance.now());
          }),
        );
      }
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const grown = (rssKb(pid) ?? NaN) - rssBefore;
  console.log(`${'one instance, memory store: memory per listening resident (request stream)'.padEnd(66)} ${(grown / LISTENERS).toFixed(1)} KB RSS`);

  const requestLatencies = await paced(REQUESTS, async (i) => {
    const k = Math.floor((i * LISTENERS) / REQUESTS);
    const seen = new Promise<number>((resolve) => pendingSeen.set(k, resolve));
    const sent = performance.now();
    const answer = await call(`${base}/agent/requests`, 'POST', JSON.stringify({ purpose: PURPOSE }), {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${listeners[k]!.host}`,
      Origin: AGENT_ORIGIN,
    });
    if (answer.status !== 201) throw new Error(`request answered ${answer.status}: ${answer.body}`);
    return (await seen) - sent;
  });
  report(`one instance, memory store: request to resident event, ${RATE}/s`, requestLatencies);

  // Waiting residents: core-started logins attached with the conversation's guest ticket; each
  // such widget closes its request stream while the login runs, so one of the listeners goes.
  const waiting: Array<{ attrPath: string; arrived: Promise<number> }> = [];
  next = 0;
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (next < WAITING) {
        const i = next++;
        const listener = listeners[LISTENERS - 1 - i]!;
        const started = JSON.parse((await call(`${base}/start_communication`, 'POST', JSON.stringify({ purpose: PURPOSE }), { 'Content-Type': 'application/json' })).body);
        const reference = new URL(started.client_url).searchParams.get('id-contact-session');
        const attached = await call(`${base}/sessions/attach`, 'POST', JSON.stringify({ reference, ticket: listener.guest }), {
          'Content-Type': 'application/json',
          Origin: SITE_ORIGIN,
        });
        if (attached.status !== 200) throw new Error(`attach answered ${attached.status}: ${attached.body}`);
        streams[LISTENERS - 1 - i]!.destroy();
        const events = new URL(JSON.parse(attached.body).events_url);
        let resolveArrival!: (at: number) => void;
        const arrived = new Promise<number>((resolve) => (resolveArrival = resolve));
        streams.push(
          await openStream(`${base}${events.pathname}${events.search}`, {}, (text) => {
            if (text.includes('event: result')) resolveArrival(performance.now());
          }),
        );
        waiting.push({ attrPath: new URL(started.attr_url).pathname, arrived });
      }
    }),
  );
  const tokens = await Promise.all(
    waiting.map((_, i) =>
      createResultToken(
        { status: 'succes', attributes: { bsn: String(100000000 + i), fullname: 'Test Persoon' } },
        { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
      ),
    ),
  );
  const resultCount = Math.min(REQUESTS, waiting.length);
  const resultLatencies = await paced(resultCount, async (r) => {
    const i = Math.floor((r * waiting.length) / resultCount);
    const sent = performance.now();
    const answer = await call(`${base}${waiting[i]!.attrPath}`, 'POST', tokens[i]!, { 'Content-Type': 'application/jwt' });
    if (answer.status !== 200) throw new Error(`result answered ${answer.status}`);
    return (await waiting[i]!.arrived) - sent;
  });
  report(`one instance, memory store, request channel in use: result to event, ${RATE}/s`, resultLatencies);
} finally {
  for (const stream of streams) stream.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  setupAgent.destroy();
  core.close();
}
