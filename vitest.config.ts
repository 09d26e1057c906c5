import { defineConfig } from 'vitest/config';

// Node-side suites (backend, stand-ins, demo). The widget runs in real Chromium under web-test-runner.
export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts', 'demo/test/**/*.test.ts', 'standins/test/**/*.test.ts', 'widget/test-runner/**/*.test.ts', 'widget/manifest/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
