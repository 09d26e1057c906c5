/**
 * The backend as its own process, as production runs it: `server/src/main.ts`
 * configured by environment variables only. For tests of what only a process
 * shows: signals, start-up messages, several instances on one Redis, a kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SITE_ORIGIN } from './backend.ts';
import type { TestKeyPair } from './keys.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface BackendProcess {
  child: ChildProcess;
  /** Its base URL once it listens; rejects if it exits first. */
  url: Promise<string>;
  exited: Promise<{ code: number | null; at: number }>;
  stdout(): string;
  stderr(): string;
}

let stubWidgetDir: string | undefined;
/** A folder with the four widget bundles (stubs): /readyz of a test backend does not wait for `npm run build:widget`. */
export function widgetStubDir(): string {
  if (stubWidgetDir) return stubWidgetDir;
  const dir = mkdtempSync(join(tmpdir(), 'idc-widget-stub-'));
  for (const file of ['id-contact-auth.js', 'id-contact-auth.iife.js', 'id-contact-agent.js', 'id-contact-agent.iife.js']) {
    writeFileSync(join(dir, file), '/* stub bundle */');
  }
  return (stubWidgetDir = dir);
}

/** What every test backend needs, with `extra` on top (a variable set to '' is left out). */
export function backendEnv(keys: { ours: TestKeyPair; plugin: TestKeyPair }, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NO_COLOR: '1',
    PORT: '0',
    IDC_PUBLIC_URL: 'http://127.0.0.1:1',
    IDC_CORE_URL: 'http://127.0.0.1:9',
    IDC_DECRYPTION_KEY: keys.ours.privatePem,
    IDC_SIGNATURE_KEYS: keys.plugin.publicPem,
    IDC_ALLOWED_ORIGINS: SITE_ORIGIN,
    IDC_CHAT_URL: `${SITE_ORIGIN}/chat`,
    IDC_PLUGIN_AUTH: 'off',
    IDC_WIDGET_DIR: widgetStubDir(),
    ...extra,
  };
  for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
  return env;
}

export function startBackendProcess(env: Record<string, string>): BackendProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout += `${line}\n`;
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`backend exited: ${stderr}`)));
  });
  // A test that expects the exit never awaits the URL: its rejection is not an error.
  url.catch(() => {});
  return { child, url, exited, stdout: () => stdout, stderr: () => stderr };
}
