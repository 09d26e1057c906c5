/**
 * `npm run bench`: every figure of the performance table in one run, each
 * with its budget beside it. Runs the measuring scripts one after the other
 * (each prints its own detail), then a summary:
 *
 * - backend CPU per accepted result vs bare decrypt+verify (server/bench/intake.ts), memory and Redis stores,
 *   and the same ratio for a plain node:http server that does nothing but verify (the floor);
 * - memory per waiting resident and result-to-event latency with 10,000 streams, at 50/s and in bursts
 *   of 16, on one instance and across two on one Redis (server/bench/stream-latency.ts);
 * - memory per listening resident and request-to-event latency of the request channel, and
 *   result-to-event latency with it in use (server/bench/request-channel.ts);
 * - bundle sizes (scripts/size.ts), `npm start` time (scripts/measure-start.ts), and the built
 *   server's idle RSS (scripts/measure-rss.ts; builds first).
 *
 * Prints figures; asserts nothing. Takes about ten minutes on two cores.
 */
import { spawn } from 'node:child_process';

function run(label: string, command: string, args: string[]): Promise<string> {
  console.log(`\n== ${label}: ${command} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', () => resolve(output));
  });
}

const tsx = ['--import', 'tsx'];
const node = process.execPath;
const intake = await run('intake', node, [...tsx, 'server/bench/intake.ts']);
const streams = await run('waiting residents', node, [...tsx, 'server/bench/stream-latency.ts']);
const requests = await run('request channel', node, [...tsx, 'server/bench/request-channel.ts']);
await run('build', 'npm', ['run', '--silent', 'build']);
const sizes = await run('bundles', node, [...tsx, 'scripts/size.ts']);
const start = await run('npm start', node, [...tsx, 'scripts/measure-start.ts']);
const rss = await run('idle backend', node, [...tsx, 'scripts/measure-rss.ts']);

const number = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? NaN);
function ratio(line: string): number {
  const match = /\(([\d.]+) ms CPU each\).*\(([\d.]+) ms backend CPU each\)/.exec(line);
  return match ? Number(match[1]) / Number(match[2]) : NaN;
}
/** The same ratio for the plain node:http server that only verifies: what any HTTP server here reaches. */
function floorRatio(line: string): number {
  const match = /bare decrypt\+verify.*?\(([\d.]+) ms CPU each\).*node:http \+ verify alone \(([\d.]+) ms CPU each\)/.exec(line);
  return match ? Number(match[1]) / Number(match[2]) : NaN;
}
const intakeLine = (prefix: string) => intake.split('\n').find((line) => line.startsWith(prefix)) ?? '';
const streamLine = (prefix: string) => streams.split('\n').find((line) => line.startsWith(prefix)) ?? '';
const requestLine = (prefix: string) => requests.split('\n').find((line) => line.startsWith(prefix)) ?? '';
const sizeOf = (file: string) => number(sizes.split('\n').find((line) => line.startsWith(file)) ?? '', /([\d.]+) KB gzip/);

const rows: Array<[string, string, string]> = [
  ['backend CPU per result vs bare decrypt+verify (bare/backend), RSA', ratio(intakeLine('RSA-2048 (RSA-OAEP')).toFixed(2), '>= 0.85'],
  ['  the same, EC P-256', ratio(intakeLine('EC P-256')).toFixed(2), '>= 0.85'],
  ['  the same, RSA with the Redis store', ratio(intakeLine('RSA-2048, Redis store')).toFixed(2), '(Redis variant)'],
  ['  a plain node:http server that only verifies (the floor here), RSA / EC', `${floorRatio(intakeLine('RSA-2048 (RSA-OAEP')).toFixed(2)} / ${floorRatio(intakeLine('EC P-256')).toFixed(2)}`, '(reference)'],
  ['memory per waiting resident, 10,000 at once, RSS', `${number(streamLine('one instance, memory store: memory'), /([\d.]+) KB RSS/)} KB`, '<= 16 KB'],
  ['  the same, two instances on one Redis', `${number(streamLine('two instances, Redis, result to the other instance: memory'), /([\d.]+) KB RSS/)} KB`, '(Redis variant)'],
  ['result-to-event p99, 10,000 streams, 50 results/s', `${number(streamLine('one instance, memory store, 50/s'), /p99\s+([\d.]+) ms/)} ms`, '<= 20 ms'],
  ['  the same, across two instances on one Redis', `${number(streamLine('two instances, Redis, result to the other instance, 50/s'), /p99\s+([\d.]+) ms/)} ms`, '(Redis variant)'],
  ['result-to-event p99, bursts of 16', `${number(streamLine('one instance, memory store, bursts'), /p99\s+([\d.]+) ms/)} ms`, '<= 100 ms'],
  ['  the same, across two instances on one Redis', `${number(streamLine('two instances, Redis, result to the other instance, bursts'), /p99\s+([\d.]+) ms/)} ms`, '(Redis variant)'],
  ['memory per listening resident (request stream), 10,000 at once, RSS', `${number(requestLine('one instance, memory store: memory per listening'), /([\d.]+) KB RSS/)} KB`, '<= 16 KB'],
  ['request-to-resident-event p99, 10,000 listening, 50 requests/s', `${number(requestLine('one instance, memory store: request to resident event'), /p99\s+([\d.]+) ms/)} ms`, '(no budget)'],
  ['result-to-event p99 with the request channel in use, 50/s', `${number(requestLine('one instance, memory store, request channel in use'), /p99\s+([\d.]+) ms/)} ms`, '<= 20 ms'],
  ['id-contact-auth.js gzip (Lit included)', `${sizeOf('dist/widget/id-contact-auth.js')} KB`, '<= 14.5 KB'],
  ['id-contact-agent.js gzip', `${sizeOf('dist/widget/id-contact-agent.js')} KB`, '<= 12.5 KB'],
  ['npm start to a chat page that answers (median)', `${number(start, /median (\d+) ms/)} ms`, '<= 2500 ms'],
  ['idle built backend (node dist/server/main.js), RSS', `${number(rss.split('\n').find((line) => line.startsWith('node dist/server')) ?? '', /idle 20 s ([\d.]+) MB/)} MB`, '<= 70 MB'],
];
const width = Math.max(...rows.map(([what]) => what.length));
console.log('\n== Summary (this run)');
for (const [what, figure, budget] of rows) console.log(`${what.padEnd(width)}  ${figure.padStart(9)}   budget ${budget}`);
