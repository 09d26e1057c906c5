/**
 * The package as site builders use it: `npm pack`, installed from the tarball into a plain
 * Vite app (the ES entry), a React 19 app (JSX types from `id-contact-auth/react`) and a
 * Vue 3 app (`isCustomElement`, types from `id-contact-auth/vue`). Each type-checks, builds,
 * and in Chromium shows the login methods a real backend (with the stand-in core and auth
 * plugin) offers, logs in, and receives `id-contact-authenticated`.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/http/serve.ts';
import { launchBrowser, type Browser } from '../../testkit/browser/launch.ts';
import { appCommand, installConsumerApps, ROOT, serveBuiltApps, type ConsumerApps } from '../../testkit/consumer-apps.ts';
import { startStack, TEST_PERSON, type Stack } from '../../testkit/stack.ts';

const run = promisify(execFile);
let apps: ConsumerApps;
let hosting: RunningServer;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // What `npm pack`'s prepack would build; the bundles only when their sources changed.
  await run(process.execPath, ['--import', 'tsx', 'scripts/build-widget-if-changed.ts'], { cwd: ROOT });
  await run('npx', ['tsc', '-p', 'widget/tsconfig.build.json'], { cwd: ROOT });
  await run('npm', ['run', '--silent', 'build:manifest'], { cwd: ROOT });
  await run('npm', ['run', '--silent', 'build:openapi'], { cwd: ROOT });
  apps = await installConsumerApps();
  console.log(`consumer apps: pack ${apps.seconds.pack.toFixed(1)} s, install ${apps.seconds.install.toFixed(1)} s`);
  hosting = await serveBuiltApps(apps);
  stack = await startStack({ env: { IDC_ALLOWED_ORIGINS: new URL(hosting.url).origin } });
  browser = await launchBrowser('chromium');
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await hosting?.close();
});

describe('the packed package', () => {
  it('holds what a site needs and nothing of the repository’s sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', apps.tarball]);
    const files = stdout.trim().split('\n').map((line) => line.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/lib/define.js', 'dist/lib/define.d.ts', 'dist/lib/frameworks/react.d.ts', 'dist/lib/frameworks/vue.d.ts', 'dist/widget/id-contact-auth.js', 'dist/widget/id-contact-agent.iife.js', 'dist/custom-elements.json', 'dist/openapi.json']));
    expect(files.filter((file) => /^(widget|server|testkit|demo|standins)\/|\.map$|\.inputs-sha256$/.test(file))).toEqual([]);
  });
});

const APPS = [
  { name: 'vanilla', typecheck: ['tsc', ['-p', 'apps/vanilla']] },
  { name: 'react', typecheck: ['tsc', ['-p', 'apps/react']] },
  { name: 'vue', typecheck: ['vue-tsc', ['-p', 'apps/vue']] },
] as const;

describe.each(APPS)('a $name app', ({ name, typecheck }) => {
  it('type-checks against the package’s types', async () => {
    await expect(appCommand(apps, typecheck[0], [...typecheck[1]])).resolves.toBeDefined();
  });

  it('builds with Vite', async () => {
    await appCommand(apps, 'vite', ['build', `apps/${name}`, '--base', './', '--logLevel', 'warn']);
    const assets = join(apps.dir, 'apps', name, 'dist/assets');
    const scripts = readdirSync(assets).filter((file) => file.endsWith('.js'));
    const gzip = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(assets, file))).length, 0);
    console.log(`consumer app ${name}: ${scripts.length} script(s), ${(gzip / 1024).toFixed(2)} KB gzip`);
    expect(scripts.length).toBeGreaterThan(0);
  });

  it('shows the backend’s login methods, logs in, and hears id-contact-authenticated', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${hosting.url}/${name}/index.html?backend=${encodeURIComponent(stack.url)}`);
    // The chooser: the methods the stand-in core offers for the purpose.
    await page.getByRole('button', { name: 'DigiD' }).waitFor();
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Yivi' }).click();
    const login = await popup;
    await login.getByRole('button', { name: `Log in as ${TEST_PERSON.fullname}` }).click();
    await page.waitForFunction((bsn) => document.querySelector('#verified')?.textContent === bsn, TEST_PERSON.bsn, { timeout: 15_000 });
    expect(context.problems ?? []).toEqual([]);
    await context.close();
  });
});
