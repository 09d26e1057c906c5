/**
 * `npm run fuzz`, small: 1500 mutated and random requests (HTTP and raw
 * socket) against the backend as its own process. Nothing may answer or log
 * a 5xx (but the documented 502 of a refusing core), and the backend must
 * still answer /healthz afterwards. A fixed seed, so a failure replays with
 * `npm run fuzz -- --count 1500 --concurrency 4 --seed 20240611`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatReport, loggedServerErrors, type FuzzReport } from '../fuzz/tally.ts';

const FUZZ = fileURLToPath(new URL('../fuzz/fuzz.ts', import.meta.url));
const COUNT = 1500;

function runFuzzScript(): Promise<{ code: number | null; report: FuzzReport; stderr: string }> {
  const args = ['--import', 'tsx', FUZZ, '--count', String(COUNT), '--seconds', '40', '--concurrency', '4', '--seed', '20240611', '--json'];
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: 55_000 }, (error, stdout, stderr) => {
      try {
        resolve({ code: child.exitCode, report: JSON.parse(stdout) as FuzzReport, stderr });
      } catch {
        reject(new Error(`the fuzz script gave no report (${error?.message ?? 'no error'}):\n${stderr}`));
      }
    });
  });
}

describe('npm run fuzz', () => {
  it(`${COUNT} fuzzed requests: no 5xx, the backend alive`, { timeout: 60_000 }, async () => {
    const { code, report } = await runFuzzScript();
    const summary = formatReport(report);

    // It really fuzzed: every request went out, valid ones succeeded, wrong ones were refused, raw sockets too.
    expect(report.sent, summary).toBe(COUNT);
    expect(report.classes['2xx'], summary).toBeGreaterThan(100);
    expect(report.classes['4xx'], summary).toBeGreaterThan(500);
    expect(report.raw, summary).toBeGreaterThan(50);
    expect(report.unsendable.count, summary).toBe(0);

    expect(report.serverErrors.count, summary).toBe(0);
    expect(loggedServerErrors(report), summary).toEqual([]);
    expect(report.alive, summary).toEqual({ running: true, healthz: 200 });
    expect(code, summary).toBe(0);
  });
});
