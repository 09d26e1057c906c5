/**
 * `npm run server` as a process: a stop signal ends open event streams (so
 * their clients reconnect to another instance), lets a request in flight
 * finish, and exits 0 within 10 s; a busy port is one line naming PORT; a
 * missing widget bundle is one warning naming the command that builds it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { backendEnv, startBackendProcess } from '../../testkit/backend-process.ts';
import { rsaKeyPair, type TestKeyPair } from '../../testkit/keys.ts';
import { openSse } from '../../testkit/sse.ts';

let ours: TestKeyPair;
let plugin: TestKeyPair;
const children: ChildProcess[] = [];
beforeAll(() => {
  ours = rsaKeyPair();
  plugin = rsaKeyPair();
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function startBackend(extra: Record<string, string> = {}) {
  const backend = startBackendProcess(backendEnv({ ours, plugin }, extra));
  children.push(backend.child);
  return backend;
}

/** A core-started session, attached as the chat page would: its events URL (the public URL is a placeholder, so use ours). */
async function openSession(base: string): Promise<string> {
  const started = await (await fetch(`${base}/start_communication`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"purpose":"report_move"}' })).json();
  const reference = new URL(started.client_url).searchParams.get('id-contact-session');
  const attached = await (
    await fetch(`${base}/sessions/attach`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
      body: JSON.stringify({ reference }),
    })
  ).json();
  const events = new URL(attached.events_url);
  return `${base}${events.pathname}${events.search}`;
}

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s: streams end, a request in flight finishes, exit 0 within 10 s', async (signal) => {
    const backend = startBackend();
    const base = await backend.url;
    const stream = await openSse(await openSession(base));
    expect((await stream.next())?.event).toBe('state');

    // A request in flight: headers sent, body still coming.
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => {});
    const body = '{"purpose":"report_move"}';
    socket.write(`POST /start_communication HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalled = Date.now();
    backend.child.kill(signal);
    expect(await stream.ended(2000)).toBe(true);
    socket.write(body.slice(5));
    await expect.poll(() => answer, { timeout: 3000 }).toMatch(/^HTTP\/1\.1 200/);
    const { code, at } = await backend.exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(10_000);
    // No new connections once it has gone.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('start-up', () => {
  let occupied: Server | undefined;
  afterEach(() => occupied?.close());

  it('says in one line that the port is busy, naming PORT', async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied!.listen(0, '127.0.0.1', resolve));
    const { port } = occupied.address() as { port: number };
    const backend = startBackend({ PORT: String(port) });
    const { code } = await backend.exited;
    expect(code).toBe(1);
    const lines = backend.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(lines[0]).toContain('PORT');
  });

  it('warns once, naming npm run build:widget, when the widget bundle is missing; serves all the same', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'idc-no-widget-')), 'dist-widget');
    const backend = startBackend({ PORT: '0', IDC_WIDGET_DIR: missing });
    const base = await backend.url;
    const entries = backend.stdout().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const warnings = entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('npm run build:widget');
    expect(warnings[0]).toMatchObject({ widget_dir: missing, missing: 'id-contact-auth.js,id-contact-auth.iife.js,id-contact-agent.js,id-contact-agent.iife.js' });
    expect(backend.stderr()).toBe('');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', widget: 'missing' });
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });

  it('does not warn when the bundles are there', async () => {
    const backend = startBackend({ PORT: '0' });
    const base = await backend.url;
    expect(backend.stdout()).not.toContain('"level":"warn"');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', widget: 'ok' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
