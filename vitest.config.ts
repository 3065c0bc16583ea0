import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // mmap-io is not context-aware: it must load in processes, never in worker threads.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
