import { defineConfig } from 'vitest/config';
import LongestFirst from './test/setup/sequencer.js';

export default defineConfig({
  test: {
    // mmap-io is not context-aware: it must load in processes, never in worker threads.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    // The stress tier runs apart: `npm run stress` (vitest.stress.config.ts).
    exclude: ['test/stress/**', '**/node_modules/**'],
    // Go's programs are built once here, never inside a timed test.
    globalSetup: ['test/setup/global.ts'],
    // Most tests wait on child processes, servers and files, not on the CPU: three files at a
    // time keep two cores busy (vitest's default on 2 cores is one file at a time).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    // Failure bounds, not performance claims: generous enough for a machine under heavy load.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
