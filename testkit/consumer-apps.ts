/**
 * The package as a site builder gets it: packed (`npm pack`) and installed from the tarball
 * into throwaway apps (package/apps/*) that share one `npm install`, with the framework
 * versions this repository locks (so the install comes from npm's cache), and the apps'
 * builds served on a loopback port.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { serveApp, type RunningServer } from '../server/src/http/serve.ts';

const run = promisify(execFile);
export const ROOT = new URL('..', import.meta.url).pathname;

/** What the apps install beside the tarball: the versions in this repository's node_modules. */
const APP_PACKAGES = ['react', 'react-dom', '@types/react', '@types/react-dom', 'vue', 'vue-tsc', 'vite', '@vitejs/plugin-react', '@vitejs/plugin-vue', 'typescript'];

function lockedVersion(name: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export interface ConsumerApps {
  dir: string;
  tarball: string;
  /** Seconds the pack and the install took. */
  seconds: { pack: number; install: number };
}

/** `npm pack` of the built package, then one install of it and the frameworks in a fresh directory. */
export async function installConsumerApps(): Promise<ConsumerApps> {
  const dir = mkdtempSync(join(tmpdir(), 'idc-consumer-apps-'));
  let started = Date.now();
  // The builds are made before (npm run build:widget, build:openapi): the pack's own prepack would make them again.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const tarball = join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  const pack = (Date.now() - started) / 1000;

  cpSync(join(ROOT, 'package/apps'), join(dir, 'apps'), { recursive: true });
  const dependencies = Object.fromEntries([...APP_PACKAGES.map((name) => [name, lockedVersion(name)]), ['id-contact-auth', `file:${tarball}`]]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-apps', private: true, type: 'module', dependencies }, null, 2));
  started = Date.now();
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return { dir, tarball, seconds: { pack, install: (Date.now() - started) / 1000 } };
}

/** A command of the apps' own install (tsc, vue-tsc, vite), in their directory. */
export function appCommand(apps: ConsumerApps, command: string, args: string[]) {
  return run(join(apps.dir, 'node_modules/.bin', command), args, { cwd: apps.dir, maxBuffer: 16 * 1024 * 1024 });
}

/** The apps' builds (`apps/<name>/dist`) under `/<name>/`, as a static host would serve them. */
export function serveBuiltApps(apps: ConsumerApps): Promise<RunningServer> {
  const app = new Hono();
  // Only the apps' own folders: anything else (a favicon) is a plain 404.
  app.use('/:name{vanilla|react|vue}/*', async (c, next) => {
    const name = c.req.param('name');
    return serveStatic({ root: join(apps.dir, 'apps', name, 'dist'), rewriteRequestPath: (path) => path.slice(name.length + 1) })(c, next);
  });
  return serveApp(app);
}
