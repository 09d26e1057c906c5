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
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { defaultShouldMinifyCSS } from '@lit-labs/rollup-plugin-minify-html-literals/lib/minify-html-literals.js';
import { defaultMinifyOptions } from '@lit-labs/rollup-plugin-minify-html-literals/lib/strategy.js';
import { defineConfig, type Plugin } from 'vite';

const BUNDLES = {
  auth: { entry: 'widget/src/define.ts', name: 'IdContactAuth', file: 'id-contact-auth' },
  agent: { entry: 'widget/src/define-agent.ts', name: 'IdContactAgent', file: 'id-contact-agent' },
};

/**
 * Lit's `html` and `css` literals would reach the bundle as written,
 * indentation and all: the Lit team's minifier squeezes them (html-minifier
 * for templates, lightningcss for styles) before the bundler parses them.
 * Our files only: Lit ships minified. A literal it cannot minify stops the
 * build rather than ship unminified (by default it only warns). A `css`
 * fragment of bare declarations (shared/styles.ts's dark colours, put into
 * two rules) is no stylesheet for lightningcss: it stays as written.
 */
const minifyTemplateLiterals = (): Plugin =>
  minifyHtmlLiterals({
    include: ['widget/src/**/*.ts'],
    failOnError: true,
    options: {
      // Whitespace runs become one space, never none: a space inside an
      // inline element (the screen-reader text's) is text.
      minifyOptions: { ...defaultMinifyOptions, conservativeCollapse: true },
      shouldMinifyCSS: (template) => defaultShouldMinifyCSS(template) && template.parts.some((part) => part.text.includes('{')),
    },
  }) as unknown as Plugin;

export default defineConfig(({ mode }) => {
  const bundle = mode === 'agent' ? BUNDLES.agent : BUNDLES.auth;
  return {
    plugins: [minifyTemplateLiterals()],
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
