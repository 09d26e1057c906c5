import { defineConfig } from 'vitest/config';

// End-to-end: the whole demo (chat page, widget, backend, stand-ins) driven in
// the engine IDC_ENGINE names (chromium, firefox, webkit) through testkit/browser.
// One file at a time: each starts its own demo and browser, and popups want the
// machine's attention.
export default defineConfig({
  test: {
    include: ['demo/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['demo/e2e/support/build-widget.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
