/**
 * Keeps the documentation's links honest: every relative link (and image) in
 * README.md, docs/*.md and the folders' README.md must name a file that
 * exists, and a `#fragment` into a Markdown file must name one of its
 * headings (as GitHub makes the anchors). Links in code blocks and code spans
 * are not links; `https:` and `mailto:` ones are not checked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Pages another change of issue 18 adds. A link to one is not reported while
 * the file is missing; once it exists it is checked like any other.
 */
const ADDED_ELSEWHERE = new Set(['docs/protocol.md']);

interface Page {
  /** Relative to the repository root, with `/`. */
  path: string;
  text: string;
}

/** Code blocks and code spans hold examples, not links. */
function withoutCode(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

function linkTargets(text: string): string[] {
  const prose = withoutCode(text);
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!);
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1]!);
  return [...inline, ...references];
}

/** The anchors GitHub gives a page's headings, and those set with `<a id>`. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>\s]+>/g, (tag) => tag.slice(1, -1)) // `<id-contact-auth>` in a heading keeps its words
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  // An anchor set by hand: <a id="forget"></a>.
  for (const [, id] of prose.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id!.toLowerCase());
  return anchors;
}

/** What is wrong with the pages' relative links, one line per broken link. */
export function brokenLinks(pages: readonly Page[], readPage: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    for (const target of linkTargets(page.text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const [pathPart = '', fragment] = target.split('#', 2) as [string, string | undefined];
      const path = pathPart === '' ? page.path : relative(ROOT, resolve(ROOT, dirname(page.path), decodeURI(pathPart))).split('\\').join('/');
      if (path.startsWith('..')) {
        problems.push(`${page.path}: ${target} points outside the repository`);
        continue;
      }
      const text = pathPart === '' ? page.text : readPage(path);
      if (text === undefined) {
        if (!ADDED_ELSEWHERE.has(path)) problems.push(`${page.path}: ${target} (no file ${path})`);
        continue;
      }
      if (fragment && path.endsWith('.md') && !anchorsOf(text).has(decodeURIComponent(fragment).toLowerCase())) {
        problems.push(`${page.path}: ${target} (no heading #${fragment} in ${path})`);
      }
    }
  }
  return problems;
}

function readFromRepository(path: string): string | undefined {
  const full = join(ROOT, path);
  if (!existsSync(full)) return undefined;
  return statSync(full).isFile() ? readFileSync(full, 'utf8') : '';
}

/** README.md, docs/*.md, and each top-level folder's README.md. */
function documentation(): Page[] {
  const paths = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  for (const entry of readdirSync(ROOT, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules' && existsSync(join(ROOT, entry.name, 'README.md'))) {
      paths.push(`${entry.name}/README.md`);
    }
  }
  return paths.map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

describe('the documentation’s links', () => {
  it('all lead somewhere: every relative link names a file that exists, and a heading that exists', () => {
    const pages = documentation();
    expect(pages.map((page) => page.path)).toEqual(expect.arrayContaining(['README.md', 'docs/widget.md', 'docs/operations.md']));
    expect(brokenLinks(pages, readFromRepository)).toEqual([]);
  });

  it('reports a link to a missing file, a missing heading, and leaves code and web addresses alone', () => {
    const readme: Page = {
      path: 'README.md',
      text: [
        '# Top',
        '## The widget: `<id-contact-auth>`',
        'See [the widget](docs/widget.md), [gone](docs/gone.md), [here](#top), [there](#the-widget-id-contact-auth),',
        '[nowhere](#nowhere), [bad anchor](docs/widget.md#no-such-heading), [good anchor](docs/widget.md#embed),',
        '![picture](docs/missing.png), [up](../outside.md), [web](https://example.org/x.md), [mail](mailto:a@b.c).',
        '`[code](docs/code-span.md)`',
        '```md',
        '[block](docs/code-block.md)',
        '```',
        '[ref]: docs/also-gone.md',
      ].join('\n'),
    };
    const files: Record<string, string> = { 'docs/widget.md': '# Widget\n\n## Embed\n' };
    expect(brokenLinks([readme], (path) => files[path])).toEqual([
      'README.md: docs/gone.md (no file docs/gone.md)',
      'README.md: #nowhere (no heading #nowhere in README.md)',
      'README.md: docs/widget.md#no-such-heading (no heading #no-such-heading in docs/widget.md)',
      'README.md: docs/missing.png (no file docs/missing.png)',
      'README.md: ../outside.md points outside the repository',
      'README.md: docs/also-gone.md (no file docs/also-gone.md)',
    ]);
  });
});
