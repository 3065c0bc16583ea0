// testdata/golden/ pins the exact bytes of a count file for a known set of counters.
// Regenerate deliberately with TT_UPDATE_GOLDEN=1 (and say why in the commit); a missing
// golden file fails the test, since writing it would make the test pass against anything.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHeader, type Meta } from '../../counter/countfile/index.js';
import { buildCountImage } from '../../counter/countfile/index.js';
import { parseCountFile } from '../../counter/countfile/index.js';
import { ROOT, cleanEnv, countFiles, runFixture, tempDir } from '../helpers.js';

const GOLDEN = join(
  ROOT,
  'testdata',
  'golden',
  'known@1.2.3-node20.20.2-linux-x64-2026-11-23.v1.count',
);
const META: Meta = {
  TimeBegin: '2026-11-23T00:00:00Z',
  TimeEnd: '2026-11-26T00:00:00Z',
  Program: 'known',
  Version: '1.2.3',
  Runtime: 'node20.20.2',
  OS: 'linux',
  Arch: 'x64',
};
/** First-increment order and final values; the order fixes the layout. */
const KNOWN: Array<[string, bigint]> = [
  ['known/invocations', 7n],
  ['known/flag:verbose', 2n],
  ['known/flag:json', 1n],
  ['known/latency:<100ms', 40n],
  ['known/utf8:日本語', 3n],
  ['known/big', 2n ** 53n + 1n],
  ['known/saturated', 2n ** 64n - 1n],
  ...Array.from(
    { length: 700 },
    (_, i) => [`known/many/${String(i).padStart(3, '0')}`, BigInt(i + 1)] as [string, bigint],
  ),
];

/** Compares `image` with the pinned file, which is written only when asked for. */
function checkGolden(
  path: string,
  image: Uint8Array,
  update = process.env.TT_UPDATE_GOLDEN === '1',
): void {
  if (update) writeFileSync(path, image);
  if (!existsSync(path))
    throw new Error(
      `${path}: golden file missing; regenerate it deliberately with TT_UPDATE_GOLDEN=1`,
    );
  expect(Buffer.compare(Buffer.from(image), readFileSync(path))).toBe(0);
}

describe('golden count file', () => {
  const image = buildCountImage(buildHeader(META)!, KNOWN);

  it('matches the pinned bytes exactly', () => {
    checkGolden(GOLDEN, image);
    expect(image.length).toBe(32768); // 700 records push it onto a second page
  });

  it('fails, and writes nothing, when the golden file is missing', () => {
    const missing = join(tempDir(), 'missing.v1.count');
    expect(() => checkGolden(missing, image, false)).toThrow(
      /golden file missing.*TT_UPDATE_GOLDEN=1/,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('reads back every counter exactly', () => {
    const { meta, counts } = parseCountFile(GOLDEN, readFileSync(GOLDEN));
    expect(meta).toEqual(META);
    expect(counts).toEqual(new Map(KNOWN));
  });

  it('is what a live process writes for the same increments', () => {
    const dir = tempDir();
    const after = KNOWN.map(([name, value]) => [name, value.toString()]);
    const r = runFixture(
      'count.mjs',
      { dir, program: 'known', version: '1.2.3', now: '2026-11-23T12:00:00Z', afterBig: after },
      cleanEnv(),
    );
    expect(r.status, r.stderr).toBe(0);
    const live = readFileSync(countFiles(dir)[0]!);
    const hdrLen = live.readUInt32LE(28); // this machine's runtime tag may differ from the golden file's
    const expected = buildCountImage(live.subarray(0, hdrLen), KNOWN);
    expect(Buffer.compare(Buffer.from(expected), live)).toBe(0);
  });
});
