// A crafted count file must not take down its readers: reading is linear in the file's size.
// Before the overlap and name-length rules, a 256 KiB file of overlapping records whose names
// run to the end made the parser decode gigabytes, and `telemetry dump` died out of memory.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CountFileError, parseCountFile } from '../../counter/countfile/index.js';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';
import { type Shape, hostile } from './craft.js';

const SHAPES: Shape[] = ['staircase', 'fan', 'max-names'];
const KiB = 1024;
/**
 * A failure bound, not a speed claim (the parse takes milliseconds; bench/ measures it): a walk
 * that revisited records would take minutes on these shapes, far past it even under load.
 */
const BOUND_MS = 10_000;

/** Parses `bytes`, which must be rejected; returns the error and the milliseconds it took. */
function reject(bytes: Uint8Array): { err: CountFileError; ms: number } {
  const t0 = performance.now();
  let err: unknown;
  try {
    parseCountFile('/t/h.v1.count', bytes);
  } catch (error) {
    err = error;
  }
  const ms = performance.now() - t0;
  expect(err).toBeInstanceOf(CountFileError);
  return { err: err as CountFileError, ms };
}

describe('a hostile count file is rejected quickly, whatever its size', () => {
  for (const shape of SHAPES) {
    for (const size of [64 * KiB, 256 * KiB]) {
      it(`${shape}, ${size / KiB} KiB`, () => {
        const { err, ms } = reject(hostile(shape, size));
        expect(err.code).toBe('ECORRUPT');
        expect(err.message).toMatch(
          /^\/t\/h\.v1\.count: corrupt counter file: record at offset \d+ (has a name of \d+ bytes \(at most 4096\)|overlaps another record)$/,
        );
        expect(ms).toBeLessThan(BOUND_MS);
      });
    }
  }

  it('max-names, 64 MiB', () => {
    const { err, ms } = reject(hostile('max-names', 64 << 20));
    expect(err.message).toMatch(/overlaps another record/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('`telemetry dump` on one exits 1 with the reason, within a 256 MB heap', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'local'));
    const file = join(dir, 'local', 'h@1-node20.20.2-linux-x64-2026-11-23.v1.count');
    writeFileSync(file, hostile('max-names', 256 * KiB));
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=256', join(ROOT, 'dist', 'cmd', 'telemetry.js'), 'dump'],
      {
        env: cleanEnv({ HOME: dir, TRANSPARENT_TELEMETRY_DIR: dir }),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${file}: corrupt counter file: record at offset`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1); // one line: the file and why
  });
});
