/**
 * Prometheus metrics: every instrument is named, the values move with what
 * happens (results accepted and refused, streams, core calls, rate limits,
 * webhooks), nothing in the output is an id or an attribute, and
 * `GET /metrics` is served on its own listener only, never the public one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createMetrics, type Metrics } from '../src/observability/metrics.ts';
import { serveApp, type RunningServer } from '../src/http/serve.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { WebhookSender } from '../src/webhook/webhook-sender.ts';
import { seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';
import { backendEnv } from '../../testkit/backend-process.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { openSse } from '../../testkit/sse.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The value of one series (name and exact labels as printed), or undefined when it is not there. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A backend over real HTTP on a loopback port, with a fresh registry. */
async function servedBackend(env: Record<string, string> = {}, metrics: Metrics = createMetrics()) {
  const backend = testBackend({ ours, plugin, env, deps: { metrics } });
  const server = await serveApp(backend.app);
  cleanups.push(() => server.close());
  return { ...backend, metrics, url: server.url, scrape: () => metrics.registry.metrics() };
}

function postResult(url: string, attrId: string, token: string) {
  return fetch(`${url}/attributes/${attrId}`, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: token });
}

describe('the metrics registry', () => {
  it('names every instrument, with process metrics (event-loop delay) when asked', async () => {
    const metrics = createMetrics({ defaultMetrics: true });
    const text = await metrics.registry.metrics();
    for (const name of [
      'idc_http_requests_total',
      'idc_results_accepted_total',
      'idc_results_refused_total',
      'idc_sessions_live',
      'idc_streams_open',
      'idc_core_call_duration_seconds',
      'idc_core_call_errors_total',
      'idc_webhook_deliveries_total',
      'idc_rate_limited_total',
      'idc_store_errors_total',
      'idc_nodejs_eventloop_lag_seconds',
      'idc_process_resident_memory_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts results accepted and refused by error code, sessions live, requests by route; no id or attribute in it', async () => {
    const backend = await servedBackend();
    const first = await seedSession(backend.store);
    const second = await seedSession(backend.store);
    const good = await createResultToken(
      { status: 'succes', attributes: { bsn: '999993653', email: 'sanne@example.org' } },
      { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
    );

    expect(value(await backend.scrape(), 'idc_sessions_live')).toBe(2);
    expect((await postResult(backend.url, first.attrId, good)).status).toBe(200);
    expect((await postResult(backend.url, second.attrId, 'not-a-token')).status).toBe(400);
    expect((await postResult(backend.url, first.attrId, good)).status).toBe(409);

    const text = await backend.scrape();
    expect(value(text, 'idc_results_accepted_total{via="attr_url",status="succes"}')).toBe(1);
    expect(value(text, 'idc_results_refused_total{via="attr_url",error="malformed_token"}')).toBe(1);
    expect(value(text, 'idc_results_refused_total{via="attr_url",error="result_already_received"}')).toBe(1);
    expect(value(text, 'idc_http_requests_total{method="POST",route="/attributes/:attr_id",status="200"}')).toBe(1);
    expect(value(text, 'idc_http_requests_total{method="POST",route="/attributes/:attr_id",status="400"}')).toBe(1);
    for (const secret of [first.id, first.attrId, first.token, second.id, second.attrId, second.token, '999993653', 'sanne@example.org']) {
      expect(text).not.toContain(secret);
    }
  });

  it('counts open streams by kind while they are open', async () => {
    const backend = await servedBackend();
    const session = await seedSession(backend.store);
    const stream = await openSse(`${backend.url}/sessions/${session.id}/events?token=${session.token}`);
    expect((await stream.next())?.event).toBe('state');
    expect(value(await backend.scrape(), 'idc_streams_open{kind="resident"}')).toBe(1);
    stream.close();
    await expect.poll(async () => value(await backend.scrape(), 'idc_streams_open{kind="resident"}')).toBe(0);
  });

  it('times calls to the core and counts their errors', async () => {
    // Nothing listens on port 9: the core is unreachable.
    const backend = await servedBackend();
    const response = await fetch(`${backend.url}/session_options/report_move`, { headers: { Origin: SITE_ORIGIN } });
    expect(response.status).toBe(502);
    const text = await backend.scrape();
    expect(value(text, 'idc_core_call_duration_seconds_count{operation="session_options",outcome="error"}')).toBe(1);
    expect(value(text, 'idc_core_call_errors_total{operation="session_options",error="error"}')).toBe(1);
    // The purpose asked for is not a label.
    expect(text).not.toContain('report_move');
  });

  it('counts rate-limit refusals by route', async () => {
    const backend = await servedBackend({ IDC_SESSIONS_PER_MINUTE: '1' });
    const start = () =>
      fetch(`${backend.url}/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN }, body: '{}' });
    expect((await start()).status).not.toBe(429);
    expect((await start()).status).toBe(429);
    expect(value(await backend.scrape(), 'idc_rate_limited_total{route="/sessions"}')).toBe(1);
  });

  it('counts webhook deliveries and failures by type', async () => {
    let answer = 204;
    const site: Server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(answer).end());
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => site.close(resolve)));
    const metrics = createMetrics();
    const sender = new WebhookSender({
      url: `http://127.0.0.1:${(site.address() as { port: number }).port}/hook`,
      secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      logger: silentLogger,
      metrics,
      retryDelaysMs: [10],
    });
    cleanups.push(() => sender.close());
    const series = (outcome: string) => `idc_webhook_deliveries_total{type="identity.verified",outcome="${outcome}"}`;

    sender.send('identity.verified', { id: 'x' });
    await expect.poll(async () => value(await metrics.registry.metrics(), series('delivered'))).toBe(1);
    answer = 500;
    sender.send('identity.verified', { id: 'y' });
    await expect.poll(async () => value(await metrics.registry.metrics(), series('given_up'))).toBe(1);
    expect(value(await metrics.registry.metrics(), series('failed'))).toBe(1);
  });
});

describe('metrics and log configuration', () => {
  const base = {
    IDC_PUBLIC_URL: 'https://idc.gemeente.example',
    IDC_CORE_URL: 'http://127.0.0.1:9',
    IDC_DECRYPTION_KEY: ours.privatePem,
    IDC_SIGNATURE_KEYS: plugin.publicPem,
    IDC_ALLOWED_ORIGINS: 'https://gemeente.example',
  };
  const failure = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return undefined;
  };

  it('has no metrics listener unless IDC_METRICS_PORT is set; the host defaults to 127.0.0.1', () => {
    expect(loadConfig(base).metrics).toBeUndefined();
    expect(loadConfig({ ...base, IDC_METRICS_PORT: '' }).metrics).toBeUndefined();
    expect(loadConfig({ ...base, IDC_METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ ...base, IDC_METRICS_PORT: '9464', IDC_METRICS_HOST: '10.0.0.5' }).metrics).toEqual({ port: 9464, host: '10.0.0.5' });
    expect(loadConfig(base).log).toEqual({ format: 'json', level: 'info' });
  });

  it('refuses a metrics port that is no port, or the public one, and unknown log settings', () => {
    expect(failure({ IDC_METRICS_PORT: 'metrics' })).toMatch(/^IDC_METRICS_PORT: /);
    expect(failure({ IDC_METRICS_PORT: '70000' })).toMatch(/^IDC_METRICS_PORT: /);
    expect(failure({ PORT: '8080', IDC_METRICS_PORT: '8080' })).toBe('IDC_METRICS_PORT: must differ from PORT (metrics are never served on the public listener)');
    expect(failure({ IDC_LOG_FORMAT: 'xml' })).toBe('IDC_LOG_FORMAT: must be json or text');
    expect(failure({ IDC_LOG_LEVEL: 'debug' })).toBe('IDC_LOG_LEVEL: must be info, warn or error');
  });
});

describe('the metrics listener (npm run server)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  function startServer(extra: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: backendEnv({ ours, plugin }, extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const lines: string[] = [];
    const urls = new Promise<{ publicUrl: string; metricsUrl?: string }>((resolve, reject) => {
      let publicUrl: string | undefined;
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        publicUrl ??= /listening on (http:\/\/[^\s"]+)/.exec(line)?.[1];
        const metricsUrl = /metrics at (http:\/\/[^\s"]+)/.exec(line)?.[1];
        // The store line comes after both.
        if (publicUrl && (metricsUrl || /store: /.test(line))) resolve({ publicUrl, metricsUrl });
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    return { child, urls, lines };
  }

  it('serves /metrics on IDC_METRICS_PORT only; the public listener answers 404 for it', async () => {
    const { child, urls } = startServer({ IDC_METRICS_PORT: '0' });
    const { publicUrl, metricsUrl } = await urls;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl!).port).not.toBe(new URL(publicUrl).port);

    expect((await fetch(`${publicUrl}/metrics`)).status).toBe(404);
    await fetch(`${publicUrl}/healthz`);
    const scraped = await fetch(metricsUrl!);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const text = await scraped.text();
    expect(text).toContain('idc_http_requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(text).toContain('idc_nodejs_eventloop_lag_seconds');
    // The metrics listener serves nothing else.
    expect((await fetch(new URL('/healthz', metricsUrl)).catch(() => undefined))?.status).toBe(404);

    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });

  it('opens no metrics listener without IDC_METRICS_PORT', async () => {
    const { urls, lines } = startServer({});
    const { publicUrl, metricsUrl } = await urls;
    expect(metricsUrl).toBeUndefined();
    expect(lines.join('\n')).not.toContain('metrics at');
    expect((await fetch(`${publicUrl}/metrics`)).status).toBe(404);
  });
});
