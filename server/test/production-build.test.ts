/**
 * The production build (`npm run build`): the server as plain JavaScript in
 * dist/server/main.js, run with `node` alone (no tsx, no npm in between, so
 * signals reach the server itself). The build is reused when it is newer
 * than every file under server/src and scripts/build-server.ts, and made otherwise; the widget bundles
 * are built only when missing (`npm test` builds them first anyway).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendEnv } from '../../testkit/backend-process.ts';
import { rsaKeyPair, type TestKeyPair } from '../../testkit/keys.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = join(ROOT, 'dist/server/main.js');
const WIDGET = join(ROOT, 'dist/widget/id-contact-auth.js');

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

let ours: TestKeyPair;
let plugin: TestKeyPair;
let cwd: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  const newest = Math.max(newestSource(join(ROOT, 'server/src')), statSync(join(ROOT, 'scripts/build-server.ts')).mtimeMs);
  if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newest) {
    execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  }
  if (!existsSync(WIDGET)) execFileSync('npm', ['run', '--silent', 'build:widget'], { cwd: ROOT, stdio: 'inherit' });
  ours = rsaKeyPair();
  plugin = rsaKeyPair();
  // No .env of a developer's is read: the server runs from an empty folder.
  cwd = mkdtempSync(join(tmpdir(), 'idc-built-'));
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function startBuilt(extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BUILT], {
    cwd,
    env: backendEnv({ ours, plugin }, { IDC_WIDGET_DIR: '', ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout += `${line}\n`;
      lines.push(line);
      const match = /listening on (http:\/\/[^\s"]+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`the built server exited: ${stderr}`)));
  });
  url.catch(() => {});
  return { child, url, exited, lines, stdout: () => stdout, stderr: () => stderr };
}

describe('the built server (node dist/server/main.js)', () => {
  it('is plain JavaScript with no TypeScript import left', () => {
    const source = readFileSync(BUILT, 'utf8');
    expect(source).not.toMatch(/from\s+["'][^"']+\.ts["']/);
    expect(source).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    // What it still imports (the packages left out of the bundle) is in `dependencies`,
    // so `npm prune --omit=dev` leaves all it needs.
    const dependencies = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies);
    // Imported at the top, or loaded when first needed (the redis client, only with a Redis store).
    const imported = [
      ...[...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]!),
      ...[...source.matchAll(/createRequire\(import\.meta\.url\)\("([^"]+)"\)/g)].map((match) => match[1]!),
    ].filter((name) => !name.startsWith('node:'));
    expect(imported).toContain('redis');
    for (const name of imported) {
      const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
      expect(dependencies, name).toContain(pkg);
    }
  });

  it('serves /healthz and the widget bundle from dist/widget, metrics on their own port, JSON logs; exits 0 on SIGTERM', async () => {
    const server = startBuilt({ IDC_METRICS_PORT: '0' });
    const base = await server.url;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', widget: 'ok' });

    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toContain('text/javascript');
    expect(Buffer.from(await widget.arrayBuffer()).equals(readFileSync(WIDGET))).toBe(true);

    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const metricsUrl = server.lines.map((line) => /metrics at (http:\/\/[^\s"]+)/.exec(line)?.[1]).find(Boolean);
    const scraped = await fetch(metricsUrl!);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('idc_http_requests_total{method="GET",route="/widget.js",status="200"} 1');

    // Signals reach the server itself: the child is node running the bundle, nothing in between.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toBe('');
    const entries = server.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((entry) => entry.msg === 'request').map((entry) => entry.route)).toEqual(['/healthz', '/widget.js', '/*']);
  });

  it('stops with a message naming the setting when the configuration is wrong', async () => {
    const server = startBuilt({ IDC_CORE_URL: 'core' });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('Configuration error: IDC_CORE_URL');
    expect(server.stderr() + server.stdout()).not.toContain('PRIVATE KEY');
  });

  it('says in one line that the port is busy, naming PORT, without a stack trace', async () => {
    const occupied: Server = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = occupied.address() as { port: number };
      const server = startBuilt({ PORT: String(port) });
      expect(await server.exited).toBe(1);
      const lines = server.stderr().trim().split('\n');
      expect(lines).toEqual([expect.stringContaining(`127.0.0.1:${port}`)]);
      expect(lines[0]).toContain('PORT');
      expect(server.stderr()).not.toMatch(/\bat \S+ \(|EADDRINUSE/);
    } finally {
      occupied.close();
    }
  });
});
