// The layout DESIGN.md §1 draws: one folder per job, each reached only through its index.ts,
// arrows only where the table allows them, and no import circles. The table is read from
// DESIGN.md itself; imports are found by a lexer (test/layout/imports.ts) in every form a
// module can be reached. test/layout/probes.unit.test.ts proves the checker rejects each kind of
// forbidden import.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { circles, edges, parseArrows, roomOf, violations } from './rooms.js';
import { filesBelow } from './tree.js';

/** Every file under `dir` whose name matches `pattern`, relative to the repository. */
const filesUnder = (dir: string, pattern: RegExp): string[] =>
  filesBelow(dir, (name) => pattern.test(name) && !/\.d\.[mc]?ts$/.test(name));

const TS = /\.(m|c)?tsx?$/;
const ROOMS = ['counter', 'cmd', 'config', 'upload', 'server', 'safeio', 'report'];
const files = new Map(
  ROOMS.flatMap((dir) => filesUnder(dir, TS)).map((file) => [
    file,
    readFileSync(join(ROOT, file), 'utf8'),
  ]),
);
const arrows = parseArrows(readFileSync(join(ROOT, 'DESIGN.md'), 'utf8'));

describe('source layout', () => {
  it('the rooms of the arrow table in DESIGN.md are the rooms on disk', () => {
    const onDisk = [...new Set([...files.keys()].map(roomOf))].sort();
    expect([...arrows.keys()].sort()).toEqual(onDisk);
  });

  it('every room another room imports has an index.ts as its public face', () => {
    const imported = new Set([...arrows.values()].flat());
    for (const room of imported) expect(existsSync(join(ROOT, room, 'index.ts')), room).toBe(true);
  });

  it('imports between rooms go through the target room index.ts, along allowed arrows only', () => {
    expect(edges(files).length).toBeGreaterThan(100); // the check sees the imports it checks
    expect(violations(files, arrows)).toEqual([]);
  });

  it('every arrow of the table is used: the table says what the code does', () => {
    const used = new Set(edges(files).map(({ from, to }) => `${roomOf(from)} ──► ${roomOf(to)}`));
    const drawn = [...arrows].flatMap(([from, targets]) =>
      targets.map((target) => `${from} ──► ${target}`),
    );
    expect(drawn.filter((arrow) => !used.has(arrow))).toEqual([]);
  });

  it('has no import circles', () => {
    expect(circles(files)).toEqual([]);
  });

  it('every TypeScript source is type-checked: tsconfig.json includes it', () => {
    const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      include: string[];
    };
    const covered = (file: string) =>
      include.some((glob) =>
        glob.endsWith('/**/*.ts')
          ? file.startsWith(glob.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts')
          : glob === file,
      );
    const sources = filesUnder('.', TS);
    expect(sources.length).toBeGreaterThan(200);
    expect(sources.filter((file) => !covered(file))).toEqual([]);
  });
});

describe('what counting can reach', () => {
  it('the counting bundles hold no network module: nothing a tool runs at start-up can send anything', () => {
    for (const f of ['index.js', 'index.cjs', 'engine.cjs']) {
      const text = readFileSync(join(ROOT, 'dist', 'counter', f), 'utf8');
      expect(text, f).not.toMatch(/["'](node:)?(https?|http2|net|tls|dns|dgram)["']/);
    }
    // The check itself can see a network module where there is one.
    expect(readFileSync(join(ROOT, 'dist', 'config', 'index.js'), 'utf8')).toMatch(
      /["']node:https?["']/,
    );
  });
});

describe('published types', () => {
  const types = join(ROOT, 'dist', 'types', 'counter');

  it('show no engine fields on Counter and StackCounter', () => {
    const counter = readFileSync(join(types, 'counter.d.ts'), 'utf8');
    const stack = readFileSync(join(types, 'stack-counter.d.ts'), 'utf8');
    for (const field of ['v:', 'i:', 'pending', 'bytes', 'bucket', 'known'])
      expect(counter).not.toMatch(new RegExp(`^\\s+(readonly )?${field}`, 'm'));
    expect(stack).not.toMatch(/^\s+(readonly )?stacks/m);
    expect(counter).toMatch(/inc\(\): void/);
  });
});
