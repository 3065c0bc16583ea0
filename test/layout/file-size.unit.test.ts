// Files stay short enough to read in one sitting: every source, test, bench and script file is
// at most 300 lines as the formatter lays it out (biome.json; `npm test` checks the layout).
// Fixtures and the demo tool are programs whose line numbers tests depend on, not code to grow.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const MAX_LINES = 300;
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIPPED = new Set(['node_modules', 'dist', 'test-output', '.git', 'testdata', 'native']);
const DATA = [join('test', 'fixtures'), join('examples', 'demo-tool')];

/** Every code file below `dir` (relative to the repository), skipping built and data folders. */
function codeFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (SKIPPED.has(name) || DATA.includes(path)) return [];
    if (statSync(join(ROOT, path)).isDirectory()) return codeFiles(path);
    return CODE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

it(`every code file is at most ${MAX_LINES} lines`, () => {
  const files = codeFiles('.');
  expect(files.length).toBeGreaterThan(300);
  const tooLong = files
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(tooLong).toEqual([]);
});
