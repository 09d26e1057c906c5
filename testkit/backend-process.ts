/**
 * The backend as its own process, as production runs it: `server/src/main.ts`
 * configured by environment variables only. For tests of what only a process
 * shows: signals, start-up messages, several instances on one Redis, a kill
 * (startBackendProcess); and, for the fuzz, the same in production mode with
 * keys in files and its log counted (startWatchedBackend).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SITE_ORIGIN } from './backend.ts';
import type { TestKeyPair } from './keys.ts';
import { freePort, rssKb } from './process-probe.ts';

const MAIN = fileURLToPath(new URL('../server/src/main.ts', import.meta.url));

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

/**
 * For the fuzz (server/fuzz): the backend under fuzz as its own process, as it runs in production:
 * `tsx server/src/main.ts` configured by environment variables only, with
 * keys in files in a temp dir. Run as `node --import tsx` so the child's pid
 * is the backend itself (the tsx CLI would add a process in between) and its
 * RSS can be read from /proc. Its log (routes and statuses, never ids) is
 * read line by line to count what the backend itself reports: 5xx answers
 * that never reached a client, and error lines.
 */
const TSX = import.meta.resolve('tsx');

export interface WatchedBackendEnv {
  decryptionKeyPem: string;
  signatureKeysPem: string;
  coreUrl: string;
  allowedOrigin: string;
  chatUrl: string;
  pluginAuth: string;
  /** IDC_TICKET_SECRET: logins need guest tickets, and the employee's side and requests are open. */
  ticketSecret?: string;
  /** IDC_AGENT_ORIGINS, with a ticket secret. */
  agentOrigin?: string;
}

/** What the backend's own log said during the run. */
export interface BackendLog {
  /** `METHOD route status` → count, for every request it logged with a 5xx. */
  fiveHundreds: Map<string, number>;
  /** `level message fields` (timestamps cut) → count, for warn and error lines. */
  problems: Map<string, number>;
  /** The last lines of stderr, for a backend that would not start or died. */
  tail: string[];
}

export interface WatchedBackend {
  url: string;
  pid: number;
  log: BackendLog;
  /** Resident set size in bytes, from /proc/<pid>/status; undefined once it has gone. */
  rss(): number | undefined;
  /** How it ended, once it has. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(): Promise<void>;
}

function watchLog(child: ChildProcess, log: BackendLog): void {
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const read = (stream: NodeJS.ReadableStream, isStderr: boolean) =>
    createInterface({ input: stream }).on('line', (line) => {
      if (isStderr) {
        log.tail.push(line);
        if (log.tail.length > 20) log.tail.shift();
      }
      // One JSON object a line (server/src/observability/logger.ts): level, time, msg, request_id and the fields.
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      const { level, time: _time, msg, request_id: _requestId, ms: _ms, ...fields } = entry;
      if (level === 'info') {
        if (msg === 'request' && /^5\d\d$/.test(String(fields.status))) count(log.fiveHundreds, `${fields.method} ${fields.route} ${fields.status}`);
      } else if (level === 'warn' || level === 'error') {
        const extra = Object.entries(fields).map(([key, value]) => `${key}=${String(value)}`);
        count(log.problems, [level, msg, ...extra].join(' '));
      }
    });
  read(child.stdout!, false);
  read(child.stderr!, true);
}

export async function startWatchedBackend(env: WatchedBackendEnv): Promise<WatchedBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'idc-fuzz-'));
  writeFileSync(join(dir, 'decryption-key.pem'), env.decryptionKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'signature-keys.pem'), env.signatureKeysPem);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  // A clean environment, and a temp dir as cwd: no developer's .env or IDC_* variable changes what is fuzzed.
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      IDC_PUBLIC_URL: url,
      IDC_CORE_URL: env.coreUrl,
      IDC_DECRYPTION_KEY_FILE: join(dir, 'decryption-key.pem'),
      IDC_SIGNATURE_KEYS_FILE: join(dir, 'signature-keys.pem'),
      IDC_ALLOWED_ORIGINS: env.allowedOrigin,
      IDC_CHAT_URL: env.chatUrl,
      IDC_PLUGIN_AUTH: env.pluginAuth,
      ...(env.ticketSecret ? { IDC_TICKET_SECRET: env.ticketSecret } : {}),
      ...(env.agentOrigin ? { IDC_AGENT_ORIGINS: env.agentOrigin } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: BackendLog = { fiveHundreds: new Map(), problems: new Map(), tail: [] };
  watchLog(child, log);
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      resolve();
    }),
  );

  // Should the fuzz itself crash: no backend left running, no key left in /tmp.
  const cleanUpOnExit = () => {
    if (!ended) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUpOnExit);

  const stop = async () => {
    process.off('exit', cleanUpOnExit);
    if (!ended) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Up once /healthz answers; a backend that exits or stays silent for 20 s does not start.
  for (const deadline = Date.now() + 20_000; ; ) {
    if (ended) {
      await stop();
      throw new Error(`the backend exited at start (${ended.code ?? ended.signal}):\n${log.tail.join('\n')}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the backend did not answer /healthz within 20 s:\n${log.tail.join('\n')}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid!,
    log,
    rss: () => {
      if (ended) return undefined;
      const kb = rssKb(child.pid!);
      return kb === undefined ? undefined : kb * 1024;
    },
    exited: () => ended,
    stop,
  };
}
