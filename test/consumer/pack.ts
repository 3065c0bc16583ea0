// The packed toolkit, as a tool author gets it (install*.test.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { ROOT } from '../helpers.js';

/** Packs the toolkit into `dir` and returns the tarball's file name. */
export function packToolkit(dir: string): string {
  // npm test has built dist/ already; prepack would rebuild it (rm -rf) under the other files
  // running beside this one.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(pack.status, pack.stderr).toBe(0);
  return readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
}
