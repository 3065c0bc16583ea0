// Files stay short enough to read in one sitting: every source, test, bench and script file is
// at most 300 lines as the formatter lays it out (biome.json; `npm test` checks the layout).
// Fixtures and the demo tool are programs whose line numbers tests depend on, not code to grow.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { filesBelow } from './tree.js';

const MAX_LINES = 300;
const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** Not code to grow: data folders, and programs whose line numbers tests depend on. */
const SKIPPED = new Set([
  'testdata',
  'native',
  join('test', 'fixtures'),
  join('examples', 'demo-tool'),
]);

it(`every code file is at most ${MAX_LINES} lines`, () => {
  const files = filesBelow('.', (name) => CODE.test(name) && !name.endsWith('.d.ts'), SKIPPED);
  expect(files.length).toBeGreaterThan(300);
  const tooLong = files
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(tooLong).toEqual([]);
});
