/**
 * `npm run measure:rss`: the idle resident memory of the built server
 * (`node dist/server/main.js`, after `npm run build`), and for comparison of
 * `npm run server` (tsx), with the metrics listener on. Each is started,
 * asked /healthz, the widget and /metrics 20 times each, and its VmRSS read
 * from /proc at start, 3 s later and after 20 s idle (by then V8 has given
 * back what it grew for the requests). Prints the figures; asserts nothing
 * (the budget for the built server is 70 MB idle, see issue #11).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, rssKb } from '../testkit/process-probe.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Another build to compare can be named: `tsx scripts/measure-rss.ts dist/other/main.js`. */
const BUILT = process.argv[2] ? join(process.cwd(), process.argv[2]) : join(ROOT, 'dist/server/main.js');
const SOURCE = join(ROOT, 'server/src/main.ts');



const pem = (key: import('node:crypto').KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();
const ours = generateKeyPairSync('rsa', { modulusLength: 2048 });
const plugin = generateKeyPairSync('rsa', { modulusLength: 2048 });
const cwd = mkdtempSync(join(tmpdir(), 'idc-measure-rss-'));

async function measure(label: string, args: string[]): Promise<void> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      IDC_METRICS_PORT: String(metricsPort),
      IDC_PUBLIC_URL: base,
      IDC_CORE_URL: 'http://127.0.0.1:9',
      IDC_DECRYPTION_KEY: pem(ours.privateKey, 'pkcs8'),
      IDC_SIGNATURE_KEYS: pem(plugin.publicKey, 'spki'),
      IDC_ALLOWED_ORIGINS: 'https://gemeente.example',
    },
  });
  try {
    const started = performance.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}`);
      const up = await fetch(`${base}/healthz`).then((response) => response.ok, () => false);
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const upMs = performance.now() - started;
    const atStart = (rssKb(child.pid!) ?? NaN) / 1024;
    let metrics = false;
    for (let i = 0; i < 20; i += 1) {
      await (await fetch(`${base}/healthz`)).arrayBuffer();
      await (await fetch(`${base}/widget.js`)).arrayBuffer();
      metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.arrayBuffer().then(() => response.ok), () => false);
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const busy = (rssKb(child.pid!) ?? NaN) / 1024;
    // V8 gives back what it grew for the requests once the process has been idle for a while.
    await new Promise((resolve) => setTimeout(resolve, 17_000));
    const idle = (rssKb(child.pid!) ?? NaN) / 1024;
    console.log(
      `${label.padEnd(38)} up in ${String(Math.round(upMs)).padStart(5)} ms; RSS: at start ${atStart.toFixed(1)} MB, ` +
        `3 s after 60 requests ${busy.toFixed(1)} MB, idle 20 s ${idle.toFixed(1)} MB${metrics ? '' : ' (no metrics listener)'}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

try {
  if (!existsSync(BUILT)) throw new Error('dist/server/main.js is missing: run `npm run build` first');
  await measure(`node ${relative(ROOT, BUILT)}`, [BUILT]);
  if (!process.argv[2]) await measure('node --import tsx server/src/main.ts', ['--import', import.meta.resolve('tsx'), SOURCE]);
  console.log('budget for the built server: 70 MB idle RSS');
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
