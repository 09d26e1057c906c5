/**
 * `npm run measure:start`: how long `npm start` takes, from the command to a
 * chat page that answers, on a second run (keys made and widget built
 * already; the first run is a warm-up and not counted). Prints each run and
 * the median; asserts nothing (the budget is 2.5 s, see issue #11).
 *
 *   tsx scripts/measure-start.ts [--runs N]   (default 5)
 *
 * Ports 0 and a temporary keys folder keep it apart from a running demo.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralDemoEnv } from '../testkit/demo-env.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const keysDir = mkdtempSync(join(tmpdir(), 'idc-measure-start-'));

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** One `npm start`: ms until it printed the chat URL, and until the chat page answered 200. */
async function once(): Promise<{ printed: number; ms: number }> {
  const started = performance.now();
  // Its own process group, so the stop reaches npm, tsx and the demo alike.
  const child = spawn('npm', ['start', '--silent'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: ephemeralDemoEnv(keysDir),
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const chatUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Chat page \(Gemeente Voorbeeld\)\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    void exited.then(() => reject(new Error(`npm start exited before it was up:\n${output}`)));
  });
  const printed = performance.now() - started;
  while (!(await answers(chatUrl))) await new Promise((resolve) => setTimeout(resolve, 10));
  const ms = performance.now() - started;
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  return { printed, ms };
}

try {
  const warmUp = await once();
  console.log(`first run (keys made, widget built if needed): ${Math.round(warmUp.ms)} ms`);
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const { printed, ms } = await once();
    times.push(ms);
    console.log(`run ${run}: chat page answered after ${Math.round(ms)} ms (URL printed after ${Math.round(printed)} ms)`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`npm start to a chat page that answers: median ${Math.round(median)} ms, min ${Math.round(sorted[0]!)} ms, max ${Math.round(sorted.at(-1)!)} ms (${RUNS} runs; budget 2500 ms)`);
} finally {
  rmSync(keysDir, { recursive: true, force: true });
}
