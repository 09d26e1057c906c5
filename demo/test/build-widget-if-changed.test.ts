/**
 * `npm start` rebuilds the widget bundles only when what they are made of
 * changed (scripts/build-widget-if-changed.ts). Real Vite builds, with this
 * repository's vite.config.ts, of a small widget in a temporary folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidgetIfChanged, isFresh } from '../../scripts/build-widget-if-changed.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
let root: string;
const bundle = (file = 'id-contact-auth.js') => join(root, 'dist/widget', file);
const source = () => join(root, 'widget/src/define.ts');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'idc-widget-build-'));
  mkdirSync(join(root, 'widget/src'), { recursive: true });
  writeFileSync(join(root, 'vite.config.ts'), readFileSync(join(REPO, 'vite.config.ts')));
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(source(), "export const greeting = 'first';\n");
  writeFileSync(join(root, 'widget/src/define-agent.ts'), "export const agent = 'agent';\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('build-widget-if-changed', () => {
  it('builds when there are no bundles, and not again while nothing changed', async () => {
    expect(isFresh(root)).toBe(false);
    expect(await buildWidgetIfChanged(root)).toBe(true);
    for (const file of ['id-contact-auth.js', 'id-contact-auth.iife.js', 'id-contact-agent.js', 'id-contact-agent.iife.js']) {
      expect(existsSync(bundle(file))).toBe(true);
    }
    expect(readFileSync(bundle(), 'utf8')).toContain('first');
    const builtAt = statSync(bundle()).mtimeMs;
    expect(isFresh(root)).toBe(true);
    expect(await buildWidgetIfChanged(root)).toBe(false);
    expect(statSync(bundle()).mtimeMs).toBe(builtAt);
  }, 60_000);

  it('does not rebuild for a new mtime alone, but does for new content, a new file or a missing bundle', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(source(), later, later);
    expect(await buildWidgetIfChanged(root)).toBe(false);

    writeFileSync(source(), "export const greeting = 'second';\n");
    expect(isFresh(root)).toBe(false);
    expect(await buildWidgetIfChanged(root)).toBe(true);
    expect(readFileSync(bundle(), 'utf8')).toContain('second');

    writeFileSync(join(root, 'widget/src/extra.ts'), 'export {};\n');
    expect(isFresh(root)).toBe(false);
    expect(await buildWidgetIfChanged(root)).toBe(true);

    unlinkSync(bundle('id-contact-agent.iife.js'));
    expect(isFresh(root)).toBe(false);
    expect(await buildWidgetIfChanged(root)).toBe(true);
    expect(existsSync(bundle('id-contact-agent.iife.js'))).toBe(true);
    expect(await buildWidgetIfChanged(root)).toBe(false);
  }, 60_000);
});
