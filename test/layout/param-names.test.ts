// The parameter-name count (scripts/param-names.mjs) and its lint rule
// (scripts/short-params.grit): which names count, which short ones are allowed, and that the
// Biome rule flags the same parameters the count does.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceParams } from '../../scripts/param-names.mjs';
import { ROOT, tempDir } from '../helpers.js';

/** `name@line` of each parameter the count calls short. */
function shortOnes(text: string, file = 'probe.ts'): string[] {
  return sourceParams(text, file)
    .filter((param) => param.short)
    .map((param) => `${param.name}@${param.line}`);
}

// Each line holds one case; the comment says what the count must make of it.
const CASES = [
  'export const join = (s: string, index: number) => s + index; // s',
  'export const sorted = [3, 1].sort((a, b) => a - b); // none: a sort comparator',
  'export function byName(a: string, b: string) { return a < b ? -1 : 1; } // none: named as one',
  'export function first(a: number[]) { return a[0]; } // a',
  'export const grid = (i: number, j: number, x: number, y: number, _: unknown) => i + j + x + y; // none',
  'export const pairs = (entries: [string, number][]) => entries.map(([k, value]) => k + value); // k',
  'export class Store { constructor(readonly db: string) {} } // db',
  'export const total = (...xs: number[]) => xs.length; // xs',
  'export type Fn = (u: URL) => void; // none: a type, no code',
  'export interface Named { m(n: number): void } // none: a signature',
  'export function over(q: string): void; // none: an overload declaration',
  'export function over(q: string) { return q; } // q',
  'export const arrow = [1].map(e => e); // e, without parentheses',
];

describe('the parameter-name count', () => {
  it('counts the names an author chose and allows only _, i/j, x/y and a/b in comparators', () => {
    expect(shortOnes(CASES.join('\n'))).toEqual([
      's@1',
      'a@4',
      'k@6',
      'db@7',
      'xs@8',
      'q@12',
      'e@13',
    ]);
  });

  it('leaves shorthand destructuring alone (the object chose that name) but counts a renamed one', () => {
    const text = 'export const pick = ({ id, name: nm }: { id: string; name: string }) => id + nm;';
    expect(sourceParams(text, 'probe.ts').map((param) => param.name)).toEqual(['nm']);
    expect(shortOnes(text)).toEqual(['nm@1']);
  });

  it('reads JavaScript too, and gives lines right after text that is not ASCII', () => {
    const text = '// é → ü, a comment of wide characters\nexport const f = (v) => v;\n';
    expect(shortOnes(text, 'probe.mjs')).toEqual(['v@2']);
  });
});

describe('the lint rule (Biome GritQL plugin)', () => {
  it('flags the same parameters as the count', () => {
    const dir = tempDir('tt-params-');
    writeFileSync(join(dir, 'probe.ts'), `${CASES.join('\n')}\n`);
    const plugin = join(ROOT, 'scripts', 'short-params.grit');
    writeFileSync(
      join(dir, 'biome.json'),
      JSON.stringify({ plugins: [plugin], linter: { rules: { preset: 'none' } } }),
    );
    const biome = join(ROOT, 'node_modules', '.bin', 'biome');
    const run = spawnSync(
      biome,
      ['lint', '--max-diagnostics=none', `--config-path=${dir}`, join(dir, 'probe.ts')],
      { encoding: 'utf8' },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(output).not.toContain('Failed to compile');
    const flagged = [...output.matchAll(/probe\.ts:(\d+):(\d+) plugin/g)].map((match) => {
      const [line, column] = [Number(match[1]), Number(match[2])];
      const name = CASES[line - 1]!.slice(column - 1).match(/^[\w$]+/)![0];
      return `${name}@${line}`;
    });
    expect(flagged.sort()).toEqual(shortOnes(CASES.join('\n')).sort());
  });
});
