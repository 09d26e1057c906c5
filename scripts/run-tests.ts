/**
 * `npm test`: installs what the machine lacks (install-test-machine.ts), then
 * every suite, one after the other, then one closing line `N passed, N failed`
 * with the totals (CI counts that line).
 *
 * Suites: the type check (it also holds the widget's wire types to the
 * backend's schemas), the Node side (vitest: backend, stand-ins), the package
 * in a Vite, a React and a Vue app (package/test), the widgets
 * in each engine (web-test-runner; once with the usual system preferences,
 * once dark with reduced motion for the files that depend on them), and the
 * end-to-end demo flows in each engine. The widget bundle is built first: the
 * e2e suite loads it from the backend like a website would.
 * `IDC_ENGINES=chromium,firefox` narrows the engines.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, selectedEngines, type EngineName } from '../testkit/engines/engines.ts';
import { installTestMachine } from './install-test-machine.ts';

interface Outcome {
  passed: number;
  failed: number;
  exitCode: number;
  seconds?: number;
}

const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const forward = (chunk: Buffer, to: NodeJS.WriteStream) => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => forward(chunk, process.stdout));
    child.stderr.on('data', (chunk: Buffer) => forward(chunk, process.stderr));
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output }));
  });
}

/** vitest with a JSON report next to the usual output, so counts are exact. */
async function vitest(label: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Outcome> {
  const report = join(mkdtempSync(join(tmpdir(), 'idc-tests-')), `${label}.json`);
  const { exitCode } = await run('npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], extraEnv);
  if (!existsSync(report)) return { passed: 0, failed: 1, exitCode: exitCode || 1 };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  return { passed: json.numPassedTests, failed: json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0), exitCode };
}

/** web-test-runner prints `N passed, N failed`; the last such line is the total. */
async function webTestRunner(engine: EngineName, profile: 'usual' | 'dark'): Promise<Outcome> {
  const { exitCode, output } = await run(process.execPath, ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js'], {
    IDC_ENGINE: engine,
    IDC_PROFILE: profile,
  });
  const matches = [...output.matchAll(/(\d+) passed, (\d+) failed/g)];
  const last = matches.at(-1);
  if (!last) return { passed: 0, failed: 1, exitCode: exitCode || 1 };
  return { passed: Number(last[1]), failed: Number(last[2]), exitCode };
}

/** Runs a suite and notes how long it took. */
async function timed(suite: () => Promise<Outcome>): Promise<Outcome> {
  const started = Date.now();
  const outcome = await suite();
  return { ...outcome, seconds: Math.round((Date.now() - started) / 1000) };
}

const outcomes: Array<[string, Outcome]> = [];
const runStarted = Date.now();
const engines = selectedEngines();

const machineProblem = installTestMachine(engines);
if (machineProblem) {
  console.error(machineProblem);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const typecheck = await run('npx', ['tsc', '-p', '.']);
// Not a test, so it adds nothing to the passed count; a type error counts as one failure.
outcomes.push(['typecheck (tsc)', { passed: 0, failed: typecheck.exitCode === 0 ? 0 : 1, exitCode: typecheck.exitCode }]);

if (scripts['build:widget']) {
  const build = await run('npm', ['run', '--silent', 'build:widget']);
  if (build.exitCode !== 0) outcomes.push(['widget build', { passed: 0, failed: 1, exitCode: build.exitCode }]);
}
outcomes.push(['node (server, stand-ins)', await timed(() => vitest('node', []))]);
// The package packed and installed into a Vite, a React and a Vue app (Chromium only: it proves the package, not the engines).
if (existsSync('vitest.consumers.config.ts') && engines.includes('chromium')) {
  outcomes.push(['consumer apps', await timed(() => vitest('consumers', ['-c', 'vitest.consumers.config.ts']))]);
}
for (const engine of engines) {
  const { label } = ENGINES[engine];
  outcomes.push([`widget (${label})`, await timed(() => webTestRunner(engine, 'usual'))]);
  outcomes.push([`widget (${label}, dark)`, await timed(() => webTestRunner(engine, 'dark'))]);
}
if (existsSync('vitest.e2e.config.ts')) {
  for (const engine of engines) {
    const { label } = ENGINES[engine];
    outcomes.push([`end-to-end (${label})`, await timed(() => vitest(`e2e-${engine}`, ['-c', 'vitest.e2e.config.ts'], { IDC_ENGINE: engine }))]);
  }
}

let passed = 0;
let failed = 0;
console.log('\nSuites:');
for (const [label, outcome] of outcomes) {
  passed += outcome.passed;
  // A suite that exits non-zero without a counted failure still fails the run.
  const extra = outcome.exitCode !== 0 && outcome.failed === 0 ? 1 : 0;
  failed += outcome.failed + extra;
  const time = outcome.seconds === undefined ? '' : `  ${outcome.seconds} s`;
  console.log(`  ${label.padEnd(28)} ${outcome.passed} passed, ${outcome.failed + extra} failed${time}`);
}
console.log(`  ${'whole run'.padEnd(28)} ${Math.round((Date.now() - runStarted) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
