import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/serve.ts'],
    // one browser and one guest at a time
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
