import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/guest/**/*.test.ts'],
    // guest tests each run an emulator: one at a time, since Swarm's raft deadlines and
    // Docker's own timeouts fail when two guests share the 2 cores
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
