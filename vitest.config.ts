import { defineConfig } from 'vitest/config';
import LongestFirst from './test/setup/sequencer.js';

/** The unit tier: files named `*.unit.test.ts` (docs/testing.md, "Tiers"). */
const UNIT_FILES = 'test/**/*.unit.test.ts';

export default defineConfig({
  test: {
    // mmap-io is not context-aware: it must load in processes, never in worker threads.
    pool: 'forks',
    // Most tests wait on child processes, servers and files, not on the CPU: three files at a
    // time keep two cores busy (vitest's default on 2 cores is one file at a time).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    // Failure bounds, not performance claims: generous enough for a machine under heavy load.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // `npm test` runs both tiers; `npm run test:unit` and `npm run test:integration` one each.
    // The stress tier runs apart: `npm run stress` (vitest.stress.config.ts).
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [UNIT_FILES],
          // Makes any child process, listener or connection throw: the tier's rule, checked.
          setupFiles: ['test/setup/unit-guard.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [UNIT_FILES, 'test/stress/**', '**/node_modules/**'],
          // Go's programs are built once here, never inside a timed test.
          globalSetup: ['test/setup/global.ts'],
        },
      },
    ],
  },
});
