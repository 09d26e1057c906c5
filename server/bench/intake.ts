/**
 * `npm run bench`: how many results per second the attr_url intake verifies
 * (real HTTP on loopback, through the whole route), next to the bare
 * decrypt+verify rate in the same run. Prints figures; asserts nothing.
 *
 * The HTTP load comes from a separate process. Besides the rates, it prints
 * the backend's own CPU time per result in each phase: on a 2-core machine the
 * load generator takes CPU from the server, so CPU per result is the fairer
 * comparison of what the route adds to bare verification.
 *
 * A third phase posts the same tokens to a plain node:http server that only
 * reads the body and verifies it (no framework, store, replay check, limits or
 * logs): what any HTTP server costs on this machine beyond the crypto, the
 * floor under the backend's figure.
 *
 * A second line per key type splits each phase's CPU into the main thread's
 * and the other threads' (libuv's pool, where WebCrypto runs, and V8's
 * helpers): in a server, the pool's threads sleep between jobs and are woken
 * for each one, which bare verification, 16 jobs deep, hardly ever pays.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { verifyAuthResult } from '../src/results/auth-result.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { digest, randomSecret } from '../src/crypto/secrets.ts';
import { serveApp } from '../src/http/serve.ts';
import { MemorySessionStore } from '../src/store/memory-store.ts';
import { RedisSessionStore } from '../src/store/redis/redis-store.ts';
import { ecKeyPair, rsaKeyPair, type TestKeyPair } from '../../testkit/keys.ts';
import { startRedisServer } from '../../testkit/redis-server.ts';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
/** Results posted before each HTTP measurement, so that servers are measured warm, as bare verification is. */
const WARMUP = Math.min(400, COUNT);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
let benchRuns = 0;

async function makeTokens(ours: TestKeyPair, plugin: TestKeyPair, count: number) {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    tokens.push(
      await createResultToken(
        { status: 'succes', attributes: { bsn: String(100000000 + i), fullname: 'Test Persoon', email: `t${i}@example.nl` } },
        { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
      ),
    );
  }
  return tokens;
}

/** CPU of the whole process (every thread) and of its main thread alone, in ms. */
interface CpuSample {
  process: number;
  main: number;
}

/**
 * The main thread's CPU from /proc (Linux; clock ticks of 10 ms, fine over a
 * phase of seconds); NaN elsewhere. The rest of the process's CPU is libuv's
 * thread pool, where WebCrypto runs, and V8's helper threads.
 */
function mainThreadMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function cpuNow(): CpuSample {
  const usage = process.cpuUsage();
  return { process: (usage.user + usage.system) / 1000, main: mainThreadMs() };
}

/** CPU per result since `start`. */
function cpuPer(start: CpuSample, count: number): CpuSample {
  const now = cpuNow();
  return { process: (now.process - start.process) / count, main: (now.main - start.main) / count };
}

async function bench(label: string, kind: 'rsa' | 'ec', redisUrl?: string) {
  const ours = (kind === 'rsa' ? rsaKeyPair() : ecKeyPair());
  const plugin = (kind === 'rsa' ? rsaKeyPair() : ecKeyPair());
  const all = await makeTokens(ours, plugin, WARMUP + COUNT);
  const warmup = all.slice(0, WARMUP);
  const tokens = all.slice(WARMUP);
  const keys = { decryptionKey: ours.privateKey, signatureKeys: [plugin.publicKey] };

  // Bare verification the way the server sees it: CONCURRENCY at a time (WebCrypto
  // work runs on libuv's thread pool, so concurrency counts). The first pass warms
  // up (JIT, jose's key cache); the second is measured.
  const verifyAll = async () => {
    let next = 0;
    const cpu = cpuNow();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COUNT) await verifyAuthResult(tokens[next++]!, keys);
      }),
    );
    return { rate: COUNT / ((performance.now() - started) / 1000), cpu: cpuPer(cpu, COUNT) };
  };
  await verifyAll();
  const { rate: bareRate, cpu: bareCpu } = await verifyAll();
  const floorCpu = await plainServerCpu(warmup, tokens, keys);

  let app: ReturnType<typeof createApp> | undefined;
  const server = await serveApp({ fetch: (request, env) => app!.fetch(request, env) });
  const config = loadConfig({
    IDC_PUBLIC_URL: server.url,
    IDC_CORE_URL: 'http://127.0.0.1:9',
    IDC_DECRYPTION_KEY: ours.privatePem,
    IDC_SIGNATURE_KEYS: plugin.publicPem,
    IDC_ALLOWED_ORIGINS: 'https://gemeente.example',
  });
  const store = redisUrl ? new RedisSessionStore({ url: redisUrl, key: randomBytes(32), prefix: `bench${++benchRuns}:` }) : new MemorySessionStore();
  app = createApp(config, { store, logger: silentLogger });
  const attrIds: string[] = [];
  for (let i = 0; i < WARMUP + COUNT; i += 1) {
    const attrId = randomSecret();
    attrIds.push(attrId);
    await store.create({
      id: randomSecret(),
      identityId: randomSecret(),
      purpose: 'report_move',
      streamTokenDigest: digest(randomSecret()),
      attrIdDigest: digest(attrId),
      createdAt: Date.now(),
      expiresAt: Date.now() + 600_000,
    });
  }

  await postAll(server.url, attrIds.slice(0, WARMUP), warmup);
  const httpStart = cpuNow();
  const { accepted, seconds } = await postAll(server.url, attrIds.slice(WARMUP), tokens);
  const httpCpu = cpuPer(httpStart, COUNT);
  const httpRate = accepted / seconds;
  await server.close();
  await store.close();

  console.log(
    `${label.padEnd(30)} bare decrypt+verify ${bareRate.toFixed(0).padStart(5)}/s (${bareCpu.process.toFixed(2)} ms CPU each)` +
      `   POST /attributes ${httpRate.toFixed(0).padStart(5)}/s (${httpCpu.process.toFixed(2)} ms backend CPU each)` +
      `   ${accepted}/${COUNT} accepted` +
      `   node:http + verify alone (${floorCpu.process.toFixed(2)} ms CPU each)`,
  );
  // Where the CPU goes: the main thread (JavaScript, HTTP) and the other threads (crypto, GC).
  const split = ({ process: all, main }: CpuSample) => `${main.toFixed(2)} main + ${(all - main).toFixed(2)} other threads`;
  console.log(`${''.padEnd(30)} of which: bare ${split(bareCpu)}   POST ${split(httpCpu)}   node:http ${split(floorCpu)}`);
}

/** Posts each token to its attr_url from the load worker (its own process): `{accepted, seconds}`. */
function postAll(url: string, attrIds: string[], tokens: string[]): Promise<{ accepted: number; seconds: number }> {
  const job = join(mkdtempSync(join(tmpdir(), 'idc-bench-')), 'job.json');
  writeFileSync(job, JSON.stringify({ url, attrIds, tokens, concurrency: CONCURRENCY }));
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [new URL('./load-worker.mjs', import.meta.url).pathname, job], (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout)),
    ),
  );
}

/** CPU per token of a plain node:http server that reads each body and verifies it, nothing else (after a warm-up). */
async function plainServerCpu(warmup: string[], tokens: string[], keys: Parameters<typeof verifyAuthResult>[1]): Promise<CpuSample> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      verifyAuthResult(Buffer.concat(chunks).toString(), keys).then(
        () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
        () => response.writeHead(400).end(),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await postAll(url, warmup.map((_, i) => String(i)), warmup);
    const cpu = cpuNow();
    const { accepted } = await postAll(url, tokens.map((_, i) => String(i)), tokens);
    if (accepted !== tokens.length) throw new Error(`plain server accepted ${accepted} of ${tokens.length}`);
    return cpuPer(cpu, tokens.length);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

console.log(`Result intake benchmark: ${COUNT} distinct results each (after ${WARMUP} to warm up), ${CONCURRENCY} concurrent HTTP clients, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()})`);
await bench('RSA-2048 (RSA-OAEP + RS256)', 'rsa');
await bench('EC P-256 (ECDH-ES + ES256)', 'ec');
// The same intake with every session, replay record and result in Redis (a real redis-server here).
const redis = await startRedisServer();
try {
  await bench('RSA-2048, Redis store', 'rsa', redis.url);
} finally {
  await redis.close();
}
