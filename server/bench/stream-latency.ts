/**
 * `npm run bench:streams`: result-to-browser latency with many residents
 * waiting, on the deployments the README describes:
 * - one instance with the memory store;
 * - two instances on one Redis, each result posted to the instance that does
 *   not hold the stream (so every wake-up crosses Redis pub/sub);
 * and how many Redis connections each instance holds with the streams open.
 *
 * Backends run as their own processes (`server/src/main.ts`), Redis is a real
 * redis-server on an ephemeral port, streams are plain HTTP connections from
 * this process. Prints figures; asserts nothing.
 *
 *   BENCH_STREAMS (10000)  BENCH_RESULTS (200)  BENCH_RATE (50 results/s)
 * Each scenario also sends BENCH_RESULTS results 16 at a time, and prints the
 * backends' RSS per waiting resident.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request, type ClientRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { backendEnv, startBackendProcess } from '../../testkit/backend-process.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { rssKb } from '../../testkit/process-probe.ts';
import { startRedisServer } from '../../testkit/redis-server.ts';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const RESULTS = Number(process.env.BENCH_RESULTS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SETUP_CONCURRENCY = 32;
const BURST = 16;

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const children: ChildProcess[] = [];

async function startInstances(count: number, extra: Record<string, string>): Promise<string[]> {
  const urls = await Promise.all(
    Array.from({ length: count }, () => {
      const backend = startBackendProcess(
        backendEnv(
          { ours, plugin },
          {
            IDC_MAX_STREAMS: String(STREAMS * 2),
            IDC_MAX_SESSIONS: String(STREAMS * 2),
            IDC_SESSIONS_PER_MINUTE: '1000000',
            IDC_SESSION_TTL_SECONDS: '3600',
            ...extra,
          },
        ),
      );
      children.push(backend.child);
      return backend.url;
    }),
  );
  // Settle after start-up before any memory is read.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return urls;
}

const setupAgent = new Agent({ keepAlive: true, maxSockets: SETUP_CONCURRENCY });

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: setupAgent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

interface Waiting {
  /** Where the result goes: path of the attr_url. */
  attrPath: string;
  /** Stream path and query on whichever instance holds it. */
  eventsPath: string;
}

/** Sessions as the core starts them, attached as the chat page does. */
async function makeSessions(base: string, count: number): Promise<Waiting[]> {
  const sessions: Waiting[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        const started = JSON.parse((await postJson(`${base}/start_communication`, { purpose: 'report_move' })).body);
        const reference = new URL(started.client_url).searchParams.get('id-contact-session');
        const attached = await postJson(`${base}/sessions/attach`, { reference }, { Origin: SITE_ORIGIN });
        if (attached.status !== 200) throw new Error(`attach answered ${attached.status}: ${attached.body}`);
        const events = new URL(JSON.parse(attached.body).events_url);
        sessions.push({ attrPath: new URL(started.attr_url).pathname, eventsPath: `${events.pathname}${events.search}` });
      }
    }),
  );
  return sessions;
}

/** Opens one stream per session (its own socket, as each browser has); resolves each session's result arrival. */
async function openStreams(bases: (i: number) => string, sessions: Waiting[]) {
  const arrivals = new Map<number, (at: number) => void>();
  const requests: ClientRequest[] = [];
  // A hundred at a time, as residents arrive, not all in the same millisecond.
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < sessions.length) {
        const i = next++;
        const session = sessions[i]!;
        await new Promise<void>((resolve, reject) => {
          const req = request(`${bases(i)}${session.eventsPath}`, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
            if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              if (chunk.includes('event: result')) arrivals.get(i)?.(performance.now());
            });
            resolve();
          });
          req.on('error', reject);
          req.end();
          requests.push(req);
        });
      }
    }),
  );
  return {
    arrival(i: number): Promise<number> {
      return new Promise((resolve) => arrivals.set(i, resolve));
    },
    close() {
      for (const req of requests) req.destroy();
    },
  };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}


function tokensFor(count: number, offset: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      createResultToken(
        { status: 'succes', attributes: { bsn: String(100000000 + offset + i), fullname: 'Test Persoon' } },
        { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
      ),
    ),
  );
}

function report(label: string, latencies: number[]): void {
  latencies.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(66)} p50 ${percentile(latencies, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 0.99).toFixed(1).padStart(6)} ms   max ${latencies.at(-1)!.toFixed(1).padStart(6)} ms`,
  );
}

/**
 * Opens STREAMS waiting residents over `instances`, then sends RESULTS results at RATE per
 * second (and, with `burst`, as many again BURST at a time); prints p50/p99 of each.
 * `pids` (the backends' processes) get their RSS per waiting resident printed.
 */
async function measure(
  label: string,
  postBase: (i: number) => string,
  streamBase: (i: number) => string,
  instances: string[],
  options: { pids?: number[]; burst?: boolean } = {},
) {
  const rssBefore = (options.pids ?? []).map((pid) => rssKb(pid) ?? NaN);
  const perInstance = Math.ceil(STREAMS / instances.length);
  const sessions: Waiting[] = [];
  for (const base of instances) sessions.push(...(await makeSessions(base, perInstance)));
  sessions.length = STREAMS;
  const streams = await openStreams(streamBase, sessions);
  if (options.pids) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const grown = options.pids.map((pid) => rssKb(pid) ?? NaN).reduce((sum, kb, i) => sum + kb - rssBefore[i]!, 0);
    console.log(`${`${label}: memory per waiting resident (session + open stream)`.padEnd(66)} ${(grown / STREAMS).toFixed(1)} KB RSS`);
  }
  const resultOf = (i: number, token: string) => {
    const arrived = streams.arrival(i);
    const sent = performance.now();
    const posted = postJson(`${postBase(i)}${sessions[i]!.attrPath}`, token, { 'Content-Type': 'application/jwt' });
    return Promise.all([arrived, posted]).then(([at, answer]) => {
      if (answer.status !== 200) throw new Error(`result answered ${answer.status}`);
      return at - sent;
    });
  };

  const steady = await tokensFor(RESULTS, 0);
  const pending: Promise<number>[] = [];
  const every = 1000 / RATE;
  const started = performance.now();
  for (let r = 0; r < RESULTS; r++) {
    const wait = started + r * every - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(resultOf(Math.floor((r * sessions.length) / (RESULTS * 2)), steady[r]!));
  }
  report(`${label}, ${RATE}/s`, await Promise.all(pending));

  if (options.burst) {
    const burst = await tokensFor(RESULTS, RESULTS);
    const latencies: number[] = [];
    for (let r = 0; r < RESULTS; r += BURST) {
      const round = burst.slice(r, r + BURST).map((token, k) => resultOf(Math.floor(sessions.length / 2) + r + k, token));
      latencies.push(...(await Promise.all(round)));
    }
    report(`${label}, bursts of ${BURST}`, latencies);
  }
  return streams;
}

console.log(`Result-to-stream latency: ${STREAMS} streams open, ${RESULTS} results at ${RATE}/s (RSA-2048), backends as processes`);
const redis = await startRedisServer();
try {
  {
    const [only] = await startInstances(1, {});
    const base = () => only!;
    const streams = await measure('one instance, memory store', base, base, [only!], { pids: [children[0]!.pid!], burst: true });
    streams.close();
    for (const child of children.splice(0)) child.kill('SIGKILL');
  }
  {
    const [a, b] = await startInstances(2, { IDC_REDIS_URL: redis.url });
    const half = Math.ceil(STREAMS / 2);
    // Sessions 0..half-1 were made on A, the rest on B; each stream on the other one, each result to the maker.
    const maker = (i: number) => (i < half ? a! : b!);
    const other = (i: number) => (i < half ? b! : a!);
    const streams = await measure('two instances, Redis, result to the other instance', maker, other, [a!, b!], {
      pids: children.map((child) => child.pid!),
      burst: true,
    });
    const client = createClient({ url: redis.url });
    await client.connect();
    const list = String(await client.sendCommand(['CLIENT', 'LIST']));
    await client.quit();
    const ours_ = list.split('\n').filter((line) => /name=idc-store/.test(line)).length;
    console.log(`Redis connections with ${STREAMS} streams open: ${ours_} for 2 instances (${ours_ / 2} per instance: commands and one subscriber)`);
    streams.close();
  }
} finally {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  setupAgent.destroy();
  await redis.close();
}
