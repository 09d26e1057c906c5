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
const OUT_DIR = join(ROOT, 'dist/widget');
const STAMP = join(OUT_DIR, '.inputs-sha256');
const BUNDLES = ['id-contact-auth.js', 'id-contact-auth.iife.js', 'id-contact-agent.js', 'id-contact-agent.iife.js'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export function inputsHash(): string {
  const files = [
    ...filesUnder(join(ROOT, 'widget/src')),
    join(ROOT, 'vite.config.ts'),
    join(ROOT, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ]
    .filter((file) => existsSync(file))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function isFresh(hash = inputsHash()): boolean {
  if (!BUNDLES.every((file) => existsSync(join(OUT_DIR, file)))) return false;
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash;
}

export async function buildWidget(): Promise<void> {
  const hash = inputsHash();
  // Loaded only when needed: Vite takes longer to import than the whole check.
  const { build } = await import('vite');
  const root = ROOT;
  await build({ root, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  await build({ root, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', mode: 'agent' });
  writeFileSync(STAMP, `${hash}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  if (force || !isFresh()) {
    const started = performance.now();
    await buildWidget();
    console.log(`widget bundles built in ${Math.round(performance.now() - started)} ms (dist/widget)`);
  }
}
