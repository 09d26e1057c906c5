/**
 * Structured logs: one JSON object a line (pino behind the Logger
 * interface), a request id per request (taken from a well-formed incoming
 * X-Request-Id, generated otherwise, echoed back, carried by every line
 * written while the request is handled), and still never an id, a path with
 * an id, or an attribute.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { jsonLogger, withRequestId, type LogLevel } from '../src/observability/logger.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { requestId } from '../src/http/request-log.ts';
import { serveApp } from '../src/http/serve.ts';
import { StoreUnavailableError } from '../src/store/store-errors.ts';
import { seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';
import { backendEnv } from '../../testkit/backend-process.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { openSse } from '../../testkit/sse.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A JSON logger writing into an array, one parsed object per line. */
function capturedLogger(level?: LogLevel) {
  const raw: string[] = [];
  const destination: DestinationStream = { write: (chunk: string) => void raw.push(chunk) };
  const logger = jsonLogger({ level, destination });
  const entries = () => raw.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, entries };
}

async function servedBackend() {
  const log = capturedLogger();
  const metrics = createMetrics();
  const backend = testBackend({ ours, plugin, deps: { logger: log.logger, metrics } });
  const server = await serveApp(backend.app);
  cleanups.push(() => server.close());
  return { ...backend, log, metrics, url: server.url };
}

describe('jsonLogger', () => {
  it('writes one JSON object a line: level, ISO time, msg and the fields given, nothing undefined', () => {
    const { logger, raw, entries } = capturedLogger();
    logger.info('request', { method: 'GET', route: '/healthz', status: 200, ms: 1, absent: undefined });
    logger.warn('rate limited', { route: '/sessions' });
    expect(raw.every((chunk) => chunk.endsWith('\n') && chunk.split('\n').length === 2)).toBe(true);
    const [first, second] = entries();
    expect(first).toEqual({ level: 'info', time: expect.any(String), msg: 'request', method: 'GET', route: '/healthz', status: 200, ms: 1 });
    expect(new Date(first!.time as string).toISOString()).toBe(first!.time);
    expect(second).toMatchObject({ level: 'warn', msg: 'rate limited', route: '/sessions' });
    // No pid or hostname: the collector knows them.
    expect(Object.keys(first!)).not.toContain('pid');
  });

  it('drops lines below its level, and adds the request id of the request being handled', () => {
    const { logger, entries } = capturedLogger('warn');
    logger.info('not written');
    withRequestId('0123456789abcdef', () => logger.error('store unavailable', { route: '/sessions' }));
    expect(entries()).toEqual([{ level: 'error', time: expect.any(String), msg: 'store unavailable', route: '/sessions', request_id: '0123456789abcdef' }]);
  });
});

describe('request ids', () => {
  it('takes a UUID or a hex string of 8-64 characters, and replaces anything else', () => {
    expect(requestId('5f0c7a1e-3b2d-4c8e-9f10-2a3b4c5d6e7f')).toBe('5f0c7a1e-3b2d-4c8e-9f10-2a3b4c5d6e7f');
    expect(requestId('a3f1c9e2b4d6f8a0a3f1c9e2b4d6f8a0')).toBe('a3f1c9e2b4d6f8a0a3f1c9e2b4d6f8a0');
    for (const bad of [undefined, '', 'abc', 'not a request id', 'kU5aVTig9_DoA5Ik1wjd8gkU5aVTig9_DoA5Ik1wjd8g', 'x'.repeat(80), `${'a'.repeat(65)}`, '01234567\n89']) {
      const id = requestId(bad);
      expect(id).toMatch(UUID);
      expect(id).not.toBe(bad);
    }
  });

  it('logs each request with method, route pattern, status, time and request id, and echoes the id', async () => {
    const backend = await servedBackend();
    const generated = await fetch(`${backend.url}/healthz`);
    const given = await fetch(`${backend.url}/healthz`, { headers: { 'X-Request-Id': 'ABCDEF0123456789' } });
    const replaced = await fetch(`${backend.url}/healthz`, { headers: { 'X-Request-Id': 'bsn=999993653' } });

    expect(generated.headers.get('x-request-id')).toMatch(UUID);
    expect(given.headers.get('x-request-id')).toBe('ABCDEF0123456789');
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);
    const requests = backend.log.entries().filter((entry) => entry.msg === 'request');
    expect(requests).toHaveLength(3);
    for (const [entry, response] of requests.map((entry, index) => [entry, [generated, given, replaced][index]!] as const)) {
      expect(entry).toEqual({
        level: 'info',
        time: expect.any(String),
        msg: 'request',
        method: 'GET',
        route: '/healthz',
        status: 200,
        ms: expect.any(Number),
        request_id: response.headers.get('x-request-id'),
      });
    }
    expect(JSON.stringify(backend.log.entries())).not.toContain('999993653');
  });

  it('carries the request id on every line written while the request is handled', async () => {
    const backend = await servedBackend();
    const session = await seedSession(backend.store);
    const response = await fetch(`${backend.url}/attributes/${session.attrId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/jwt', 'X-Request-Id': '00000000-0000-4000-8000-000000000001' },
      body: 'not-a-token',
    });
    expect(response.status).toBe(400);
    const lines = backend.log.entries();
    expect(lines.find((entry) => entry.msg === 'result refused')).toMatchObject({
      level: 'warn',
      via: 'attr_url',
      error: 'malformed_token',
      request_id: '00000000-0000-4000-8000-000000000001',
    });
    expect(lines.find((entry) => entry.msg === 'request')).toMatchObject({ route: '/attributes/:attr_id', status: 400, request_id: '00000000-0000-4000-8000-000000000001' });
  });

  it('counts and logs a request that ended in a store error, without ids', async () => {
    const backend = await servedBackend();
    const session = await seedSession(backend.store);
    backend.store.get = async () => {
      throw new StoreUnavailableError();
    };
    const response = await fetch(`${backend.url}/sessions/${session.id}/events?token=${session.token}`);
    expect(response.status).toBe(503);
    expect(await backend.metrics.registry.metrics()).toContain('idc_store_errors_total{error="StoreUnavailableError"} 1');
    const text = JSON.stringify(backend.log.entries());
    expect(text).toContain('"route":"/sessions/:id/events"');
    expect(text).not.toContain(session.id);
    expect(text).not.toContain(session.token);
  });
});

describe('what the log never holds', () => {
  it('no session id, attr id, stream token, path with an id, or attribute, through a whole login', async () => {
    const backend = await servedBackend();
    const session = await seedSession(backend.store);
    const stream = await openSse(`${backend.url}/sessions/${session.id}/events?token=${session.token}`);
    expect((await stream.next())?.event).toBe('state');
    const token = await createResultToken(
      { status: 'succes', attributes: { bsn: '999993653', email: 'sanne@example.org' } },
      { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
    );
    const posted = await fetch(`${backend.url}/attributes/${session.attrId}`, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: token });
    expect(posted.status).toBe(200);
    expect((await stream.next())?.event).toBe('result');
    stream.close();
    await fetch(`${backend.url}/sessions/${session.id}/events?token=wrong`, { headers: { Origin: SITE_ORIGIN } });

    const entries = backend.log.entries();
    expect(entries.map((entry) => entry.route)).toEqual(expect.arrayContaining(['/sessions/:id/events', '/attributes/:attr_id']));
    expect(entries.find((entry) => entry.msg === 'result accepted')).toMatchObject({ via: 'attr_url', status: 'succes' });
    const text = backend.log.raw.join('');
    for (const secret of [session.id, session.attrId, session.token, token, '999993653', 'sanne@example.org', `/attributes/${session.attrId.slice(0, 8)}`]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('npm run server', () => {
  it('writes JSON lines to stdout, request ids included; IDC_LOG_FORMAT=text writes readable lines', async () => {
    async function run(extra: Record<string, string>): Promise<string[]> {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        env: backendEnv({ ours, plugin }, extra),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
      const lines: string[] = [];
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          lines.push(line);
          const url = /listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
          if (url) {
            fetch(`${url}/healthz`, { headers: { 'X-Request-Id': 'feedc0de12345678' } }).then(() => {
              child.kill('SIGTERM');
              resolve();
            }, reject);
          }
        });
        void exited.then(() => reject(new Error('exited before listening')));
      });
      expect(await exited).toBe(0);
      return lines;
    }

    const json = await run({});
    const entries = json.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['request', 'shutting down']));
    expect(entries.find((entry) => entry.msg === 'request')).toMatchObject({ level: 'info', route: '/healthz', status: 200, request_id: 'feedc0de12345678' });

    const text = await run({ IDC_LOG_FORMAT: 'text' });
    expect(text.find((line) => / info request /.test(line))).toMatch(/^\S+ info request method=GET route=\/healthz status=200 ms=\d+ request_id=feedc0de12345678$/);
  });
});
