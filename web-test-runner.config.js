/**
 * Browser tests of the widgets (`npm run test:widget`): one engine and one
 * set of system preferences per run, chosen by IDC_ENGINE (chromium, firefox,
 * webkit) and IDC_PROFILE (usual: light, with motion; dark: dark, reduced
 * motion). The dark run takes only the files whose outcome depends on them
 * (`*.schemes.test.ts`). Runs under tsx, so the stack plugin can start the
 * TypeScript backend and stand-ins on the Node side.
 */
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { freePort } from './testkit/process-probe.ts';
import { PROFILES } from './testkit/engines/engines.ts';
import { launcherFor } from './widget/test/support/wtr-launchers.ts';
import { testRunnerHtml } from './widget/test/support/wtr-runner-page.ts';
import { stackPlugin } from './widget/test/support/wtr-stack-plugin.ts';

const engine = process.env.IDC_ENGINE ?? 'chromium';
const profileName = process.env.IDC_PROFILE ?? 'usual';
const profile = PROFILES[profileName];
if (!profile) throw new Error(`IDC_PROFILE: unknown profile ${profileName} (known: ${Object.keys(PROFILES).join(', ')})`);

export default {
  files: profileName === 'usual' ? ['widget/test/**/*.test.ts'] : ['widget/test/**/*.schemes.test.ts'],
  nodeResolve: true,
  // A port of its own choosing, never a fixed well-known one (the runner takes 8000 when free).
  port: await freePort(),
  // One page at a time: the flow tests open popups and move keyboard focus.
  concurrency: 1,
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 15000 } },
  testRunnerHtml,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), stackPlugin({ engine, profile: profileName, preferences: profile })],
  browsers: [await launcherFor(engine, profile)],
};
