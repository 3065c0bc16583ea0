// The stress tier (`npm run stress`): real tools raced at random against each other, many
// trials, minutes of CPU. It finds interleavings no one thought of; the interleavings we know
// of are provoked on purpose in `npm test` (e.g. test/cli/purge-race.test.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/stress/**/*.stress.test.ts'],
    maxWorkers: 1,
    // Failure bounds, not performance claims: a loaded machine may take ten times as long.
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
  },
});
