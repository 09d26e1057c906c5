/**
 * What the test suites need from the machine, installed from Debian when it
 * is missing: the browser engines (testkit/engines/engines.ts), the virtual
 * display and window manager WebKitGTK runs under, and redis-server (the
 * Redis store's tests start their own). Run by `npm test` before any suite.
 * Needs root or sudo to install; otherwise it names what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ENGINES, type EngineName } from '../testkit/engines/engines.ts';

const REQUIREMENTS: Array<{ binary: string; packages: string[] }> = [{ binary: '/usr/bin/redis-server', packages: ['redis-server'] }];

function onPath(binary: string): boolean {
  return binary.includes('/') ? existsSync(binary) : spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
}

/** Installs what the engines and Redis need; returns an error message, or undefined when all is there. */
export function installTestMachine(engines: EngineName[]): string | undefined {
  const needs = [...REQUIREMENTS];
  for (const engine of engines) {
    needs.push({ binary: ENGINES[engine].binary, packages: ENGINES[engine].debianPackages });
    if (engine === 'webkit') needs.push({ binary: 'Xvfb', packages: ['xvfb'] }, { binary: 'openbox', packages: ['openbox'] });
  }
  const missing = [...new Set(needs.filter(({ binary }) => !onPath(binary)).flatMap(({ packages }) => packages))];
  if (missing.length === 0) return undefined;
  console.log(`Installing from Debian what the tests need: ${missing.join(' ')}`);
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !onPath('sudo')) return `missing ${missing.join(' ')}: install them (apt-get install -y ${missing.join(' ')}) and run again`;
  const sudo = asRoot ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { env, stdio: 'inherit' }).status === 0;
  if (!run(['apt-get', 'update', '-qq']) || !run(['apt-get', 'install', '-y', '-qq', ...missing])) {
    return `could not install ${missing.join(' ')} (apt-get failed)`;
  }
  const still = needs.filter(({ binary }) => !onPath(binary)).map(({ binary }) => binary);
  return still.length ? `still missing after the install: ${still.join(', ')}` : undefined;
}
