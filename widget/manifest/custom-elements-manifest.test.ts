/**
 * The custom-elements manifest (dist/custom-elements.json) holds every public attribute,
 * property, event (with its detail type), part and custom property of both elements, each
 * with a description. What the elements have is read from their sources here, apart from the
 * analyzer: their Lit `properties`, the `:host([…])` attributes their styles select on, the
 * events they `emit()` and their event maps' detail types, every `part="…"` in their templates
 * and every `var(--id-contact-…)` their styles read.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Element {
  tag: string;
  className: string;
  source: string;
  styles: string[];
}

const ELEMENTS: Element[] = [
  { tag: 'id-contact-auth', className: 'IdContactAuth', source: 'widget/src/auth/id-contact-auth.ts', styles: ['widget/src/auth/styles.ts', 'widget/src/shared/styles.ts'] },
  { tag: 'id-contact-agent', className: 'IdContactAgent', source: 'widget/src/agent/id-contact-agent.ts', styles: ['widget/src/agent/styles.ts', 'widget/src/shared/styles.ts'] },
];
const BASE = 'widget/src/shared/element.ts';

type Json = Record<string, any>;
let manifest: Json;
let out: string;

beforeAll(async () => {
  // Made now from the sources, so a stale build cannot pass.
  out = mkdtempSync(join(tmpdir(), 'idc-manifest-'));
  // The analyzer takes --outdir relative to where it runs.
  await promisify(execFile)(process.execPath, ['node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--outdir', relative(ROOT, out)], { cwd: ROOT });
  manifest = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

function declarationOf(tag: string): Json {
  const found = manifest.modules.flatMap((module: Json) => module.declarations ?? []).find((declaration: Json) => declaration.tagName === tag);
  if (!found) throw new Error(`${tag} is not in the manifest`);
  return found;
}

/** The `static … properties = { … }` entries: property name and its attribute (Lit's default: the name in lower case). */
function litProperties(source: string): Array<{ property: string; attribute: string | undefined }> {
  const block = /static override properties: PropertyDeclarations = \{([\s\S]*?)\n {2}\};/.exec(source)?.[1];
  if (!block) throw new Error('no static properties block');
  return [...block.matchAll(/^\s*(\w+): \{([^}]*)\}/gm)].map(([, property, options]) => {
    const attribute = /attribute: (false|'([\w-]+)')/.exec(options!);
    return { property: property!, attribute: attribute ? attribute[2] : property!.toLowerCase() };
  });
}

function sourceAttributes(element: Element): string[] {
  const fromProperties = [...litProperties(read(element.source)), ...litProperties(read(BASE))].flatMap(({ attribute }) => (attribute ? [attribute] : []));
  // `hidden` is every element's own (the styles only make it work with a display set).
  const fromStyles = element.styles
    .flatMap((file) => [...read(file).matchAll(/:host\(\[([\w-]+)/g)].map((match) => match[1]!))
    .filter((attribute) => attribute !== 'hidden');
  return [...new Set([...fromProperties, ...fromStyles])].sort();
}

function sourceProperties(element: Element): string[] {
  const declared = (source: string) => [...source.matchAll(/^ {2}declare (\w+)/gm), ...source.matchAll(/^ {2}get (\w+)\(\)/gm)].map((match) => match[1]!);
  return [...new Set([...declared(read(element.source)), ...declared(read(BASE))])].sort();
}

/** `'name': CustomEvent<…>;` in the element's event map. */
function sourceEvents(element: Element): Record<string, string> {
  const map = /export interface \w+EventMap \{([\s\S]*?)\n\}/.exec(read(element.source))?.[1] ?? '';
  return Object.fromEntries([...map.matchAll(/'([\w-]+)': (CustomEvent<.*>);/g)].map(([, name, type]) => [name!, type!]));
}

/** The events the element dispatches: every `this.emit('…')` (the base class's emit() is widget/src's only dispatch). */
function emittedEvents(element: Element): string[] {
  return [...new Set([...read(element.source).matchAll(/this\.emit\(\s*'([\w-]+)'/g)].map((match) => match[1]!))].sort();
}

/** The type names the element's module exports (its own and re-exported), which a consumer can import. */
function exportedTypes(element: Element): Set<string> {
  const source = read(element.source);
  const own = [...source.matchAll(/^export (?:type|interface|class) (\w+)/gm)].map((match) => match[1]!);
  const reexported = [...source.matchAll(/^export type \{([^}]*)\}/gm)].flatMap((match) => match[1]!.split(',').map((name) => name.trim()));
  return new Set([...own, ...reexported]);
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Every part name a template can give, the literals inside `${…}` included. */
function sourceParts(element: Element): string[] {
  const parts = new Set<string>();
  for (const [, value] of read(element.source).matchAll(/part="([^"]+)"/g)) {
    for (const literal of value!.matchAll(/'([\w-]+)'/g)) parts.add(literal[1]!);
    for (const word of value!.replace(/\$\{[^}]*\}/g, ' ').split(/\s+/)) if (word) parts.add(word);
  }
  return [...parts].sort();
}

function sourceCustomProperties(element: Element): string[] {
  return [...new Set(element.styles.flatMap((file) => [...read(file).matchAll(/var\((--id-contact-[\w-]+)/g)].map((match) => match[1]!)))].sort();
}

const names = (entries: Json[] | undefined) => (entries ?? []).map((entry) => entry.name).sort();
const undescribed = (entries: Json[] | undefined) => (entries ?? []).filter((entry) => !entry.description?.trim()).map((entry) => entry.name);

describe.each(ELEMENTS)('custom-elements.json for <$tag>', (element) => {
  it('names the tag, its class and the module that defines it', () => {
    const declaration = declarationOf(element.tag);
    expect(declaration).toMatchObject({ name: element.className, customElement: true });
    expect(declaration.summary ?? declaration.description).toBeTruthy();
    const definitions = manifest.modules.flatMap((module: Json) => module.exports ?? []).filter((entry: Json) => entry.kind === 'custom-element-definition');
    expect(definitions).toContainEqual(expect.objectContaining({ name: element.tag, declaration: expect.objectContaining({ name: element.className }) }));
  });

  it('has every attribute, each described', () => {
    const declaration = declarationOf(element.tag);
    expect(names(declaration.attributes)).toEqual(sourceAttributes(element));
    expect(undescribed(declaration.attributes)).toEqual([]);
  });

  it('has every public property, each described', () => {
    const declaration = declarationOf(element.tag);
    const fields = (declaration.members as Json[]).filter((member) => member.kind === 'field' && !member.static);
    expect(names(fields)).toEqual(expect.arrayContaining(sourceProperties(element)));
    expect(undescribed(declaration.members)).toEqual([]);
  });

  it('has every event with its detail type, each described', () => {
    const declaration = declarationOf(element.tag);
    const events = sourceEvents(element);
    expect(Object.keys(events).length).toBeGreaterThan(3);
    // What it dispatches is what its event map types, and what the manifest lists.
    expect(emittedEvents(element)).toEqual(Object.keys(events).sort());
    expect(names(declaration.events)).toEqual(emittedEvents(element));
    expect(Object.fromEntries((declaration.events as Json[]).map((event) => [event.name, event.type?.text]))).toEqual(events);
    expect(undescribed(declaration.events)).toEqual([]);
  });

  it('names only types its module exports in the events’ detail types', () => {
    const declaration = declarationOf(element.tag);
    const used = (declaration.events as Json[]).flatMap((event) => [...(event.type?.text ?? '').matchAll(/\b[A-Z]\w*/g)].map((match) => match[0]));
    const exported = exportedTypes(element);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => name !== 'CustomEvent' && !exported.has(name))).toEqual([]);
  });

  it('has every CSS part, each described', () => {
    const declaration = declarationOf(element.tag);
    expect(names(declaration.cssParts)).toEqual(sourceParts(element));
    expect(undescribed(declaration.cssParts)).toEqual([]);
  });

  it('has every custom property, each described', () => {
    const declaration = declarationOf(element.tag);
    expect(names(declaration.cssProperties)).toEqual(sourceCustomProperties(element));
    expect(undescribed(declaration.cssProperties)).toEqual([]);
  });
});

describe('the events', () => {
  it('are dispatched only through the base class’s emit(), so the emit() calls are all of them', () => {
    const dispatching = filesUnder('widget/src').filter((file) => /dispatchEvent\(/.test(read(file)));
    expect(dispatching).toEqual([BASE]);
    expect(read(BASE).match(/dispatchEvent\(/g)).toHaveLength(1);
  });
});

describe('the package', () => {
  it('points to the manifest the widget build writes', () => {
    const packageJson = JSON.parse(read('package.json'));
    expect(packageJson.customElements).toBe('dist/custom-elements.json');
    expect(packageJson.scripts['build:widget']).toContain('build:manifest');
  });

  it('marks every module that defines an element as having side effects, so no bundler drops the definition', () => {
    const sideEffects = JSON.parse(read('package.json')).sideEffects as string[];
    const defining = readdirSync(join(ROOT, 'widget/src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && /^(register\(|export \* from '\.\/(auth|agent)\/define\.js')/m.test(read(`widget/src/${file}`)))
      .map((file) => `widget/src/${file}`);
    expect(defining.length).toBeGreaterThanOrEqual(4);
    for (const file of defining) {
      // The sources (our own bundles) and what tsc makes of them (dist/lib, for the site's bundler).
      expect(sideEffects).toContain(`./${file}`);
      expect(sideEffects).toContain(`./${file.replace(/^widget\/src\//, 'dist/lib/').replace(/\.ts$/, '.js')}`);
    }
  });

  it('gives module paths as the package ships them (dist/lib), none of the repository’s sources', () => {
    const paths = manifest.modules.map((module: Json) => module.path);
    expect(paths).toContain('dist/lib/auth/id-contact-auth.js');
    expect(JSON.stringify(manifest)).not.toContain('widget/src/');
  });
});
