// Count files written by Go's own golang.org/x/telemetry/counter (test/go/gen, the version
// pinned in test/go/go.mod) are read by our reader exactly as Go's parser reads them.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_U64, listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import { type GenSpec, type GoTools, goTools, goRead, goWrite, skipGo } from './go.js';

const many: Array<[string, string]> = Array.from({ length: 600 }, (_, i) => [
  `gen/many/${String(i).padStart(3, '0')}`,
  String((i % 5) + 1),
]);
const I64 = '9223372036854775807';
// Go clamps what a counter gathers before it has a slot at 2^33-1, so each 64-bit counter
// first gets 1 and then its large value, which Go adds to the mapped count (saturating).
const SPEC: GenSpec = {
  before: [['gen/preopen', '3']],
  after: [
    ['gen/plain', '1'],
    ['gen/bucket:1-10', '7'],
    ['gen/utf8:héllo-wörld-日本語-🚀', '2'],
    ['gen/above53', '1'],
    ['gen/above53', '9007199254740992'],
    ['gen/big', '1'],
    ['gen/big', '4611686018427387904'],
    ['gen/saturated', '1'],
    ['gen/saturated', I64],
    ['gen/saturated', I64],
    ...many,
  ],
  stack: { name: 'gen/stack', depth: 8, A: 3, B: 1 },
};

function expected(): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const [k, v] of [...SPEC.before!, ...SPEC.after!]) {
    const sum = (m.get(k) ?? 0n) + BigInt(v);
    m.set(k, sum > MAX_U64 ? MAX_U64 : sum);
  }
  return m;
}

describe.skipIf(skipGo)('files written by Go’s own counter package', () => {
  let tools: GoTools;
  beforeAll(() => {
    tools = goTools();
  }, 600_000);

  it('are read exactly as Go’s parser reads them: metadata, every name, exact 64-bit values, over two pages', () => {
    const files = listCountFiles(join(goWrite(tools, SPEC), 'local'));
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(statSync(file).size).toBe(32768); // 600+ records: two 16 KiB pages

    const ours = readCountFile(file);
    if ('error' in ours) throw new Error(ours.error);
    const go = goRead(tools, files).get(file)!;
    expect(ours.meta).toEqual(go.meta);
    expect(ours.counts).toEqual(go.counts);

    // Both hold what was counted, not merely the same thing.
    expect(ours.meta).toMatchObject({
      Program: 'transparent-telemetry/test/go/gen',
      Version: 'devel',
      GOOS: process.platform,
    });
    expect(ours.info.runtime).toMatch(/^go1\.\d+/);
    const want = expected();
    for (const [k, v] of want) expect([k, ours.counts.get(k)]).toEqual([k, v]);
    expect(ours.counts.get('gen/above53')).toBe(9007199254740993n);
    expect(ours.counts.get('gen/saturated')).toBe(18446744073709551615n);
    const stacks = [...ours.counts].filter(([key]) => key.startsWith('gen/stack\n'));
    expect(stacks.map(([key, value]) => [key.split('\n')[1]!.split(':')[0], value]).sort()).toEqual(
      [
        ['main.siteA', 3n],
        ['main.siteB', 1n],
      ],
    );
    expect(ours.counts.size).toBe(want.size + 2);
  });
});
