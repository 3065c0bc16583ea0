// testdata/go/ holds a count file written by Go's own counter package and what Go's parser
// read from it (see testdata/go/README.md for the order of increments).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCountImage } from '../../counter/countfile/index.js';
import { parseCountFile } from '../../counter/countfile/index.js';
import { ROOT } from '../helpers.js';

const dir = join(ROOT, 'testdata', 'go');
const goFile = readFileSync(join(dir, 'gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count'));
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  meta: Record<string, string>;
  countDecimal: Record<string, string>;
  stackRawNames: string[];
};

describe('files written by Go', () => {
  it('parse to exactly what Go parses, 64-bit values included', () => {
    const got = parseCountFile('go.count', goFile);
    expect(got.meta).toEqual(expected.meta);
    const want = new Map(
      Object.entries(expected.countDecimal).map(([key, value]) => [key, BigInt(value)]),
    );
    expect(got.counts).toEqual(want);
    expect(got.counts.get('gen/saturated')).toBe(18446744073709551615n);
  });

  it('are reproduced byte for byte by our allocator given the same increments', () => {
    const c = expected.countDecimal;
    const names = [
      'gen/preopen',
      'gen/plain',
      'gen/added',
      'gen/bucket:1-10',
      'gen/utf8:héllo-wörld-日本語-🚀',
    ];
    names.push(
      Object.keys(c).find((key) => key.startsWith('gen/long:'))!,
      'gen/big',
      'gen/clamped',
      'gen/saturated',
    );
    for (let i = 0; i < 600; i++) names.push(`gen/many/${String(i).padStart(3, '0')}`);
    const entries: Array<[string, bigint]> = names.map((name) => [name, BigInt(c[name]!)]);
    const stacks = Object.keys(c).filter((key) => key.includes('\n'));
    entries.push([
      expected.stackRawNames[0]!,
      BigInt(c[stacks.find((stack) => stack.includes('siteA'))!]!),
    ]);
    entries.push([
      expected.stackRawNames[1]!,
      BigInt(c[stacks.find((stack) => stack.includes('siteB'))!]!),
    ]);
    const hdrLen = goFile.readUInt32LE(28);
    const ours = buildCountImage(goFile.subarray(0, hdrLen), entries);
    expect(ours.length).toBe(goFile.length);
    expect(Buffer.compare(Buffer.from(ours), goFile)).toBe(0);
  });
});
