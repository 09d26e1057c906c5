/**
 * Browser tests of <id-contact-auth> in real Chromium (`npm run test:widget`).
 * Runs under tsx, so the stack plugin can start the TypeScript backend and
 * stand-ins on the Node side.
 */
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.ts';
import { stackPlugin } from './widget/test/support/wtr-stack-plugin.ts';

export default {
  files: ['widget/test/**/*.test.ts'],
  nodeResolve: true,
  // One page at a time: the flow tests open popups and move keyboard focus.
  concurrency: 1,
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 15000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), stackPlugin()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        args: ['--headless', ...CHROMIUM_ARGS],
        // Keep Chromium's popup blocker: the blocked-popup path is tested for real.
        ignoreDefaultArgs: ['--disable-popup-blocking'],
      },
    }),
  ],
};
