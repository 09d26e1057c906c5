/**
 * What `npm start` runs (demo/src/main.ts), as a process: it prints what runs
 * where, everything answers, Ctrl-C stops all of it, and the keys it made are
 * reused the next time. Ports 0 and a temporary keys folder keep it apart
 * from a demo someone may have running.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralDemoEnv } from '../../testkit/demo-env.ts';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const keysDir = mkdtempSync(join(tmpdir(), 'idc-demo-keys-'));
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(keysDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: string;
  /** The four parts' base URLs. */
  urls: Record<string, string>;
  startPage: string;
  agentConsole: string;
}

/** Starts main.ts and resolves once it has printed its table (or rejects when it exits first). */
function startMain(extraEnv: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: ephemeralDemoEnv(keysDir, extraEnv),
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl-C to stop.')) return;
      const url = (label: string) => output.match(new RegExp(`${label}\\s+(http://\\S+)`))?.[1] ?? '';
      resolve({
        child,
        output,
        urls: {
          chat: url('Chat page \\(Gemeente Voorbeeld\\)'),
          backend: url('Backend \\(this project\\)'),
          core: url('ID Contact core \\(stand-in\\)'),
          authPlugin: url('Test auth plugin \\(stand-in\\)'),
        },
        startPage: url('Start page \\(stand-in\\)'),
        agentConsole: url('Employee console \\(demo\\)'),
      });
    });
    child.once('exit', (code) => reject(new Error(`main.ts exited with ${code} before it was up:\n${output}`)));
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('prints what runs where, serves all four parts, and stops them all on Ctrl-C', async () => {
    const { child, urls, startPage, agentConsole } = await startMain();
    for (const url of Object.values(urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(Object.values(urls)).size).toBe(4);

    const page = await fetch(urls.chat!);
    expect(page.status).toBe(200);
    // The page loads the widget from the backend and points it there.
    const html = await page.text();
    expect(html).toContain(`src="${urls.backend}/widget.js"`);
    expect(html).toContain(`backend="${urls.backend}"`);
    expect((await fetch(`${urls.backend}/widget.js`)).status).toBe(200);
    expect((await fetch(`${urls.backend}/healthz`)).status).toBe(200);
    expect((await fetch(`${urls.core}/static/irma.svg`)).status).toBe(200);
    expect((await fetch(`${urls.authPlugin}/login/unknown`)).status).toBe(404);
    // The start page, on the core, for the chat the core starts.
    expect(startPage).toBe(`${urls.core}/start-page`);
    const start = await fetch(startPage);
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('Verhuizing doorgeven');
    // The employee console, on the chat site, for the conversation the chat page started.
    expect(agentConsole).toBe(`${urls.chat}/agent`);
    const console = await fetch(agentConsole);
    expect(console.status).toBe(200);
    expect(await console.text()).toContain(`src="${urls.backend}/agent.js"`);

    child.kill('SIGINT');
    expect(await exitOf(child)).toBe(0);
    for (const url of Object.values(urls)) expect(await reachable(url)).toBe(false);
  });

  it('keeps its keys in the keys folder and reuses them at the next start', async () => {
    const files = () => Object.fromEntries(readdirSync(keysDir).map((file) => [file, readFileSync(join(keysDir, file), 'utf8')]));
    const before = await startMain();
    before.child.kill('SIGINT');
    expect(await exitOf(before.child)).toBe(0);
    const first = files();
    expect(Object.keys(first).sort()).toEqual(['decryption.pem', 'plugin-signing.pem', 'start-signing.pem', 'ticket-secret', 'webhook-secret']);

    const { child, output } = await startMain({ DEMO_SIGNED_START: '1', DEMO_USE_ATTR_URL: '0' });
    expect(output).toMatch(/Start at the core:\s+signed/);
    expect(output).toMatch(/Result delivery:\s+\?result=/);
    expect(files()).toEqual(first);
    // Nothing printed is key material.
    expect(output).not.toContain('PRIVATE KEY');
    for (const secret of ['ticket-secret', 'webhook-secret']) expect(output).not.toContain(first[secret]!.trim());
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('says which variable to change when a port is taken', async () => {
    const { child, urls } = await startMain();
    try {
      const port = new URL(urls.backend!).port;
      const second = startMain({ DEMO_BACKEND_PORT: port });
      await expect(second).rejects.toThrow(/port \d+ \(for the backend\) is already in use[\s\S]*DEMO_BACKEND_PORT=<port>/);
    } finally {
      child.kill('SIGINT');
      await exitOf(child);
    }
  });
});
