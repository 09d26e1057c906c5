/**
 * The backend's plan, checked: which folder may import which, no import
 * cycle (type-only imports included), and one clock. And the repository's:
 * only demo/ imports demo/; server/src and widget/src never import the test
 * kit or the stand-ins. Imports are read with
 * TypeScript's own pre-processor, so `import type`, re-exports and dynamic
 * imports all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Files in routes/ that are no route module: helpers for the routes beside them. */
const ROUTE_HELPERS = ['routes/resident-page.ts', 'routes/session-start-checks.ts'];

/** Source path (relative to server/src) → the server/src files it imports. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
    const local = importedFiles
      .map(({ fileName }) => fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(SRC, resolve(SRC, dirname(file), name)).split('\\').join('/'));
    graph.set(file.split('\\').join('/'), local);
  }
  return graph;
}

const graph = importGraph();
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

describe('dependency rules of server/src', () => {
  it('reads every file and resolves every import to one', () => {
    expect(graph.size).toBeGreaterThan(40);
    for (const { from, to } of edges) expect(graph.has(to), `${from} imports ${to}, which is not there`).toBe(true);
  });

  it('config.ts imports only protocol.ts and crypto/', () => {
    const wrong = (graph.get('config.ts') ?? []).filter((to) => to !== 'protocol.ts' && !to.startsWith('crypto/'));
    expect(wrong).toEqual([]);
  });

  it('observability/, crypto/, store/ and webhook/ never import context.ts', () => {
    const wrong = edges.filter(({ from, to }) => /^(observability|crypto|store|webhook)\//.test(from) && to === 'context.ts');
    expect(wrong).toEqual([]);
  });

  it('webhook/ never imports store/ (the store side holds the outboxes it keeps)', () => {
    expect(edges.filter(({ from, to }) => from.startsWith('webhook/') && to.startsWith('store/'))).toEqual([]);
  });

  it('only app.ts imports route modules; route helpers serve routes only', () => {
    const wrong = edges.filter(({ from, to }) => {
      if (!to.startsWith('routes/')) return false;
      if (ROUTE_HELPERS.includes(to)) return !from.startsWith('routes/');
      return from !== 'app.ts';
    });
    expect(wrong).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    const cycles: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles.map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('has one clock: routes and domain modules read deps.now(), a store or timer only its injected now', () => {
    // `Date.now` as an injected clock's default (`now = Date.now`, `?? Date.now`) is allowed; reading it is not.
    const clockReads = /Date\.now\(\)|new Date\(\)/;
    const wrong = [...graph.keys()].filter((file) => {
      const code = readFileSync(join(SRC, file), 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
      return clockReads.test(code);
    });
    // app.ts makes deps.now itself; the logger stamps its lines (no domain decision rests on it);
    // tickets.ts's `new Date()` is the default of an injected `now` parameter.
    expect(wrong.filter((file) => !['app.ts', 'observability/logger.ts', 'conversation/tickets.ts'].includes(file))).toEqual([]);
  });
});

/** Repository root: where demo/, standins/, testkit/, server/ and widget/ sit. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIPPED = new Set(['node_modules', 'dist', '.git', '.keys']);

/** Every relative import of every .ts/.js/.mjs file below the root, as root-relative paths. */
function repositoryImports(): { from: string; to: string }[] {
  const found: { from: string; to: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path);
      } else if (/\.(ts|js|mjs)$/.test(entry.name)) {
        const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, path), 'utf8'), true, true);
        for (const { fileName } of importedFiles) {
          if (!fileName.startsWith('.')) continue;
          found.push({ from: path, to: relative(ROOT, resolve(ROOT, dirname(path), fileName)).split('\\').join('/') });
        }
      }
    }
  };
  walk('');
  return found;
}

describe('dependency rules of the repository', () => {
  const imports = repositoryImports();
  const into = (folder: string) => imports.filter(({ to }) => to.startsWith(`${folder}/`));

  it('reads the test kit, the stand-ins and the demo', () => {
    for (const folder of ['testkit', 'standins', 'demo', 'server', 'widget']) {
      expect(imports.some(({ from }) => from.startsWith(`${folder}/`)), folder).toBe(true);
    }
  });

  it('no file outside demo/ imports demo/ (demo/e2e, inside demo/, may)', () => {
    const wrong = into('demo').filter(({ from }) => !from.startsWith('demo/'));
    expect(wrong.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  it('server/src and widget/src never import testkit/ or standins/', () => {
    const wrong = [...into('testkit'), ...into('standins')].filter(({ from }) => from.startsWith('server/src/') || from.startsWith('widget/src/'));
    expect(wrong.map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });
});
