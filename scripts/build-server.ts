/**
 * `npm run build:server`: the backend as one plain JavaScript file,
 * dist/server/main.js, for `node dist/server/main.js` (no tsx, no npm in
 * between, so signals reach the server).
 *
 * esbuild bundles server/src (its `.ts` imports resolved) together with the
 * packages it uses: one file to load is less memory and a faster start than
 * a module graph in node_modules (about 3 MB of RSS less, see
 * `npm run measure:rss`). Left out, and so loaded from node_modules:
 * - `redis`, only needed with IDC_REDIS_URL;
 * - Node's own modules.
 * CommonJS packages inside an ES module bundle call `require`; the banner
 * gives them Node's, made for the bundle's own location.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const EXTERNAL_PACKAGES = ['redis'];

await build({
  absWorkingDir: ROOT,
  entryPoints: ['server/src/main.ts'],
  outfile: 'dist/server/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL_PACKAGES,
  banner: { js: "import { createRequire as __idcCreateRequire } from 'node:module'; const require = __idcCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
