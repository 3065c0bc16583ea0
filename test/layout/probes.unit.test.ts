// Probes of the architecture check (test/layout/architecture.unit.test.ts): synthetic file sets,
// each with one forbidden import written one way, must each be rejected, and imports that are
// only text (in a comment, a string, a template, a regular expression) must not be. Nothing is
// written to disk: the checker takes a map of path → source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { findImports } from './imports.js';
import { circles, parseArrows, violations } from './rooms.js';

const arrows = parseArrows(readFileSync(join(ROOT, 'DESIGN.md'), 'utf8'));

/** The faces the probes import, and one probe file in counter/mmap (which imports nothing). */
function withProbe(source: string, probe = 'counter/mmap/probe.ts'): Map<string, string> {
  return new Map([
    ['counter/settings/index.ts', 'export const x = 1;'],
    ['safeio/index.ts', 'export const y = 2;'],
    ['server/store/index.ts', "export * from './dir.js';"],
    ['server/store/dir.ts', 'export const openDirStore = 1;'],
    ['server/serve/index.ts', 'export const serve = 1;'],
    [probe, source],
  ]);
}

const FORBIDDEN: Array<[string, string]> = [
  ['a static import', "import { x } from '../settings/index.js';"],
  ['a type-only import', "import type { X } from '../settings/index.js';"],
  ['a namespace import', "import * as settings from '../settings/index.js';"],
  ['a side-effect import', "import '../settings/index.js';"],
  ['a re-export', "export { x } from '../settings/index.js';"],
  ['a star re-export', "export * from '../settings/index.js';"],
  ['a dynamic import', "export const load = () => import('../settings/index.js');"],
  ['an import() type', "export let later: typeof import('../settings/index.js').x;"],
  ['a require', "const settings = require('../settings/index.js');"],
  [
    'a createRequire require',
    "const nodeRequire = createRequire(import.meta.url);\nnodeRequire('../settings/index.js');",
  ],
  ['a multi-line import', "import {\n  x,\n} from '../settings/index.js';"],
];

describe('the architecture check rejects', () => {
  it.each(FORBIDDEN)('%s along no arrow (counter/mmap may import nothing)', (_, source) => {
    expect(violations(withProbe(source), arrows)).toEqual([
      expect.stringMatching(/counter\/mmap may not import counter\/settings$/),
    ]);
  });

  it("an import that reaches into another server room's file instead of its index.ts", () => {
    const probe = withProbe(
      "import { openDirStore } from '../store/dir.js';",
      'server/serve/probe.ts',
    );
    expect(violations(probe, arrows)).toEqual([
      expect.stringMatching(/goes around server\/store\/index\.ts$/),
    ]);
  });

  it('an import between two server rooms the table does not join', () => {
    const probe = withProbe("import { serve } from '../serve/index.js';", 'server/store/probe.ts');
    expect(violations(probe, arrows)).toEqual([
      expect.stringMatching(/server\/store may not import server\/serve$/),
    ]);
  });

  it('a room the table does not know', () => {
    const probe = withProbe("import { y } from '../safeio/index.js';", 'newroom/probe.ts');
    expect(violations(probe, arrows)).toEqual([
      expect.stringMatching(/newroom is not in the arrow table$/),
    ]);
  });

  it('an import of a file that does not exist', () => {
    expect(violations(withProbe("import './gone.js';"), arrows)).toEqual([
      expect.stringMatching(/no such file$/),
    ]);
  });

  it('an import circle', () => {
    const files = new Map([
      ['upload/a.ts', "import './b.js';"],
      ['upload/b.ts', "export * from './a.js';"],
    ]);
    expect(circles(files)).toEqual(['upload/a.ts -> upload/b.ts -> upload/a.ts']);
  });
});

describe('the architecture check accepts', () => {
  it('imports that are only text: comments, strings, templates, regexps, member calls', () => {
    const source = [
      "// import '../settings/index.js';",
      "/* export * from '../settings/index.js'; */",
      'const text = "import \'../settings/index.js\'";',
      "const template = `require('../settings/index.js') ${'x'}`;",
      "const pattern = /import '..\\/settings\\/index.js'/;",
      "loader.import('../settings/index.js');",
      'const url = import.meta.url;',
      'export const from = 1;',
    ].join('\n');
    expect(findImports(source)).toEqual([]);
    expect(violations(withProbe(source), arrows)).toEqual([]);
  });

  it('an allowed arrow through the face, and any import inside a room', () => {
    const source = "import { y } from '../../safeio/index.js';\nimport './local.js';";
    const files = withProbe(source, 'counter/settings/probe.ts').set(
      'counter/settings/local.ts',
      '',
    );
    expect(violations(files, arrows)).toEqual([]);
  });

  it('a template whose ${} holds a dynamic import: the import is found', () => {
    expect(findImports("const t = `a ${await import('./x.js')} b`;")).toEqual([
      { kind: 'dynamic', specifier: './x.js' },
    ]);
  });
});
