/**
 * `npm run fuzz`: starts the backend as its own process (with the stand-in
 * core and auth plugin on loopback) and sends it mutated and random requests
 * on every route, then reports statuses, 5xx, dropped connections, the
 * backend's RSS before and after, and whether it still answers /healthz.
 * Exits non-zero on any 5xx or a dead backend.
 *
 *   npm run fuzz -- [--count N] [--seconds S] [--concurrency C] [--seed X] [--only I] [--json]
 *
 * Loopback only. A request's shape follows from the seed and its number
 * (shown with each finding): `--seed X --only I` sends that one request again
 * (after the same real sessions are made), aimed at this run's sessions.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './run.ts';
import { failed, formatReport } from './tally.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive whole number`);
    process.exit(2);
  }
  return n;
}

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(values.seed);
if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
  console.error('--seed must be a whole number from 0 to 2^32 - 1');
  process.exit(2);
}

const report = await runFuzz({
  count: positive('count', values.count),
  seconds: positive('seconds', values.seconds),
  concurrency: positive('concurrency', values.concurrency),
  seed,
  only: values.only === undefined ? undefined : positive('only', String(Number(values.only) + 1)) - 1,
  progress: values.json ? undefined : (line) => console.error(line),
});
console.log(values.json ? JSON.stringify(report) : formatReport(report));
process.exitCode = failed(report) ? 1 : 0;
