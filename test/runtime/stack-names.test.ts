// One bug, one stack name on every Node release: the built toolkit on the default node and on
// the official Node 22 and 24 binaries (scripts/ensure-node-versions.mjs, linux/x64 only) names
// the same crash and the same StackCounter call site identically, without Node's own frames.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const SUPPORTED = process.platform === 'linux' && process.arch === 'x64';
const binaries = [process.execPath, ...['22', '24'].map((major) => installedNode(major))];
const missing = binaries.filter((bin) => !existsSync(bin));

/** The stack names (a newline in the name) one run of `fixture` with `spec` leaves, on `bin`. */
function stackNames(bin: string, fixture: string, spec: Record<string, unknown>): string[] {
  const dir = tempDir();
  const env = cleanEnv({ HOME: tempDir('tt-home-'), TT_DIST_COUNTER: DIST_COUNTER });
  const r = spawnSync(
    bin,
    [join(ROOT, 'test', 'fixtures', fixture), JSON.stringify({ ...spec, dir })],
    { env, encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.error).toBeUndefined();
  return [...soleCounts(dir).keys()].filter((name) => name.includes('\n')).sort();
}

describe.skipIf(!SUPPORTED && !process.env.CI)('stack names across Node 20, 22 and 24', () => {
  it('has the binaries', () => {
    expect(missing, 'run node scripts/ensure-node-versions.mjs (npm test does)').toEqual([]);
  });

  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'a StackCounter called from a timer',
      'count.mjs',
      { program: 'sn', version: '1', stack: { name: 'sn/bug', calls: 2, depth: 12, timer: true } },
    ],
    [
      'an uncaught exception from a timer',
      'crash.mjs',
      { program: 'cr', crashes: { depth: 12 }, how: 'throw' },
    ],
    [
      'an unhandled rejection from an async function',
      'crash.mjs',
      { program: 'cr', crashes: { depth: 12 }, how: 'reject' },
    ],
  ];
  for (const [what, fixture, spec] of cases) {
    it(`name ${what} identically, with no frame of Node's own`, () => {
      const [first, ...others] = binaries
        .filter((bin) => existsSync(bin))
        .map((bin) => stackNames(bin, fixture, spec));
      expect(first!.length).toBeGreaterThan(0);
      for (const name of first!) expect(name).not.toMatch(/\nnode[/.]/);
      for (const names of others) expect(names).toEqual(first);
    });
  }
});
