// The order files start in: longest first, so that with a few workers the last minutes are not
// one long file running alone. vitest's own cache knows each file's last duration once it has
// run here; a fresh clone (CI) has no cache, so test/setup/durations.json holds durations of a
// full run (seconds, relative weights only; scripts/test-durations.mjs writes it).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const KNOWN: Record<string, number> = JSON.parse(
  readFileSync(join(import.meta.dirname, 'durations.json'), 'utf8'),
);
/** A file not measured yet: placed among the middling ones. */
const UNKNOWN_SECONDS = 2;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (spec: TestSpecification): number => {
      const file = relative(this.ctx.config.root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`)?.duration;
      return cached !== undefined ? cached / 1000 : (KNOWN[file] ?? UNKNOWN_SECONDS);
    };
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
