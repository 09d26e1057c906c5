/**
 * The backend under fuzz as its own process, as it runs in production:
 * `tsx server/src/main.ts` configured by environment variables only, with
 * keys in files in a temp dir. Run as `node --import tsx` so the child's pid
 * is the backend itself (the tsx CLI would add a process in between) and its
 * RSS can be read from /proc. Its log (routes and statuses, never ids) is
 * read line by line to count what the backend itself reports: 5xx answers
 * that never reached a client, and error lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, rssKb } from '../test/support/process-probe.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface BackendEnv {
  decryptionKeyPem: string;
  signatureKeysPem: string;
  coreUrl: string;
  allowedOrigin: string;
  chatUrl: string;
  pluginAuth: string;
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

export interface BackendProcess {
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

export async function startBackendProcess(env: BackendEnv): Promise<BackendProcess> {
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
