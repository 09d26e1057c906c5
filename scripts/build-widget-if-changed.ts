/**
 * Builds the script-tag bundles (dist/widget, both `vite build`s) only when
 * what they are made of changed since the last build: `npm start` runs it,
 * so a second start does not rebuild.
 *
 * What counts: every file under widget/src, vite.config.ts, package-lock.json
 * (Lit's and Vite's versions) and this script. Their paths and contents are
 * hashed (a few hundred KB: milliseconds) and compared with the hash written
 * beside the bundles after the last build; a missing bundle rebuilds too.
 * Contents, not mtimes: a checkout or a copy with old mtimes cannot fool it.
 *
 *   tsx scripts/build-widget-if-changed.ts          build when changed
 *   tsx scripts/build-widget-if-changed.ts --force  build anyway (npm run build:widget)
 *
 * The package's `.d.ts` (dist/lib, tsc) is not made here: that is the
 * package build's job (`npm run build:widget`), not the demo's.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist/widget';
const STAMP = 'dist/widget/.inputs-sha256';
const BUNDLES = ['id-contact-auth.js', 'id-contact-auth.iife.js', 'id-contact-agent.js', 'id-contact-agent.iife.js'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The hash of what the bundles are made of, in the repository at `root`. */
export function inputsHash(root = ROOT): string {
  const files = [...filesUnder(join(root, 'widget/src')), join(root, 'vite.config.ts'), join(root, 'package-lock.json')]
    .filter((file) => existsSync(file))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  // A change to how the bundles are built here rebuilds them too.
  hash.update('build-widget-if-changed.ts\0').update(readFileSync(fileURLToPath(import.meta.url)));
  return hash.digest('hex');
}

/** Every bundle is there, built from what is there now. */
export function isFresh(root = ROOT): boolean {
  if (!BUNDLES.every((file) => existsSync(join(root, OUT_DIR, file)))) return false;
  const stamp = join(root, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === inputsHash(root);
}

/** Both Vite builds, then the hash of their inputs beside them. */
export async function buildWidget(root = ROOT): Promise<void> {
  const hash = inputsHash(root);
  // Loaded only when needed: Vite takes longer to import than the whole check.
  const { build } = await import('vite');
  const configFile = join(root, 'vite.config.ts');
  await build({ root, configFile, logLevel: 'warn' });
  await build({ root, configFile, logLevel: 'warn', mode: 'agent' });
  writeFileSync(join(root, STAMP), `${hash}\n`);
}

/** What `npm start` runs: builds when not fresh (or when forced); true when it built. */
export async function buildWidgetIfChanged(root = ROOT, force = false): Promise<boolean> {
  if (!force && isFresh(root)) return false;
  await buildWidget(root);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  if (await buildWidgetIfChanged(ROOT, process.argv.includes('--force'))) {
    console.log(`widget bundles built in ${Math.round(performance.now() - started)} ms (dist/widget)`);
  }
}
