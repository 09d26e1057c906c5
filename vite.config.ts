/**
 * Builds the script-tag bundles of <id-contact-auth>, Lit included:
 * dist/widget/id-contact-auth.js (ES module) and .iife.js (classic script).
 * The backend serves them as /widget.js and /widget.iife.js. The package's
 * bundler entry (dist/lib, Lit external, with types) is tsc's job:
 * widget/tsconfig.build.json.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    minify: 'oxc',
    // Vite keeps whitespace in ES library output; this bundle goes to browsers as is.
    rolldownOptions: {
      output: { minify: true },
      onLog(level, log, handler) {
        // define.ts reads import.meta.url only when document.currentScript is
        // absent, which never happens in the IIFE build that empties it.
        if (log.code !== 'EMPTY_IMPORT_META') handler(level, log);
      },
    },
    lib: {
      entry: 'widget/src/define.ts',
      name: 'IdContactAuth',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'id-contact-auth.js' : 'id-contact-auth.iife.js'),
    },
  },
});
