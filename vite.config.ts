/**
 * Builds the script-tag bundles, Lit included, one element per bundle so
 * neither carries the other:
 *
 * - `vite build`: dist/widget/id-contact-auth.js (ES module) and .iife.js
 *   (classic script), served by the backend as /widget.js and /widget.iife.js;
 * - `vite build --mode agent`: dist/widget/id-contact-agent.js and .iife.js,
 *   served as /agent.js and /agent.iife.js.
 *
 * Two builds, as an IIFE cannot share chunks. `npm run build:widget` runs
 * both. The package's bundler entry (dist/lib, Lit external, with types) is
 * tsc's job: widget/tsconfig.build.json.
 */
import { defineConfig, parseAst, type Plugin } from 'vite';

const BUNDLES = {
  auth: { entry: 'widget/src/define.ts', name: 'IdContactAuth', file: 'id-contact-auth' },
  agent: { entry: 'widget/src/define-agent.ts', name: 'IdContactAgent', file: 'id-contact-agent' },
};

/**
 * `css` literals would reach the bundle as written, indentation and all; this
 * squeezes them (whitespace, `: `, `, `, `;}`, `0.5` → `.5`, `[a='b']` →
 * `[a=b]`); the tag stays, as Lit's `css` makes the stylesheet. Only what is safe in
 * any CSS: our styles have no comments or strings with such characters, and
 * no backtick inside a `css` literal.
 */
export function minifyCssLiterals(): Plugin {
  const squeeze = (text: string) =>
    text
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      .replace(/([\s:,(])0\.(\d)/g, '$1.$2')
      // An attribute selector's value needs no quotes when it is an identifier.
      .replace(/=(['"])([A-Za-z][\w-]*)\1\]/g, '=$2]')
      .trim();
  return {
    name: 'idc-minify-css-literals',
    transform(code, id) {
      if (!/\/widget\/src\/.*\.ts$/.test(id) || !code.includes('css`')) return null;
      return { code: code.replace(/\bcss`([^`]*)`/g, (_all, text: string) => `css\`${squeeze(text)}\``), map: null };
    },
  };
}

/**
 * Lit's `html` literals reach the bundle as written too. This turns every
 * run of whitespace with a line break in their static text into one space:
 * the same rendering (HTML collapses such runs, and no template sits in a
 * `white-space: pre` box) and the same text between inline elements. Such a
 * run between two tags goes altogether: in our templates it only ever
 * separates blocks, or items of a flex or grid box, where it renders as
 * nothing. The literals are found with the parser, so nested templates and
 * `${}` expressions are left alone.
 */
export function minifyHtmlLiterals(): Plugin {
  return {
    name: 'idc-minify-html-literals',
    transform(code, id) {
      if (!/\/widget\/src\/.*\.ts$/.test(id) || !code.includes('html`')) return null;
      const quasis: { start: number; end: number; value: { raw: string } }[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') {
          const n = node as { type?: string; tag?: { type: string; name?: string }; quasi?: { quasis: typeof quasis } };
          if (n.type === 'TaggedTemplateExpression' && n.tag?.type === 'Identifier' && n.tag.name === 'html') quasis.push(...n.quasi!.quasis);
          Object.values(node).forEach(walk);
        }
      };
      walk(parseAst(code, { lang: 'js' }));
      let out = code;
      for (const { start, end, value } of quasis.sort((a, b) => b.start - a.start)) {
        if (code.slice(start, end) !== value.raw) throw new Error(`${id}: html literal not where the parser says`);
        out = out.slice(0, start) + value.raw.replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ') + out.slice(end);
      }
      return { code: out, map: null };
    },
  };
}

export default defineConfig(({ mode }) => {
  const bundle = mode === 'agent' ? BUNDLES.agent : BUNDLES.auth;
  return {
    plugins: [minifyCssLiterals(), minifyHtmlLiterals()],
    build: {
      outDir: 'dist/widget',
      // The first build empties the folder; the agent's adds to it.
      emptyOutDir: bundle === BUNDLES.auth,
      target: 'es2022',
      minify: 'oxc',
      // Vite keeps whitespace in ES library output; this bundle goes to browsers as is.
      rolldownOptions: {
        // No comments either: the minifier keeps Lit's `@__PURE__` marks otherwise.
        output: { minify: true, comments: false, generatedCode: { symbols: false }, esModule: false },
        onLog(level, log, handler) {
          // register() reads import.meta.url only when document.currentScript is
          // absent, which never happens in the IIFE build that empties it.
          if (log.code !== 'EMPTY_IMPORT_META') handler(level, log);
        },
      },
      lib: {
        entry: bundle.entry,
        name: bundle.name,
        formats: ['es', 'iife'],
        fileName: (format) => (format === 'es' ? `${bundle.file}.js` : `${bundle.file}.iife.js`),
      },
    },
  };
});
