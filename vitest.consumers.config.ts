import { defineConfig } from 'vitest/config';

// The package as site builders use it: packed, installed into a Vite, a React and a Vue app,
// built, and each rendered in Chromium against a real backend (package/test).
export default defineConfig({
  test: {
    include: ['package/test/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
