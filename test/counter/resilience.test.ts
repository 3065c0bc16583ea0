// The host must run on whatever state the telemetry directory is in: here, whatever state its
// count file is in (garbage, truncated, foreign, corrupt chains). The directory itself and the
// environment: resilience-dir.test.ts.
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, readOnly, runFixture, tempDir } from '../helpers.js';
import { NOW, base, debugText, host, inBucketOf, withDebug } from './resilience-host.js';

describe('the host runs on, counting in memory, when', () => {
  it('the count file is garbage', () => {
    const dir = withDebug();
    const first = host(dir);
    writeFileSync(first.file!, Buffer.alloc(20000, 0x41));
    const r = host(dir);
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/header mismatch/);
    expect(debugText(dir)).toMatch(/header mismatch/);
    expect(readFileSync(first.file!).subarray(0, 4).toString()).toBe('AAAA'); // never overwritten
  });

  it('a short foreign file has the count file name: it is left untouched', () => {
    const dir = withDebug();
    const first = host(dir);
    writeFileSync(first.file!, 'not a count file, and not ours to overwrite\n');
    const r = host(dir);
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/header mismatch/);
    expect(readFileSync(first.file!, 'utf8')).toBe('not a count file, and not ours to overwrite\n');
  });

  it('the count file was truncated after growing', () => {
    const dir = withDebug();
    const r1 = host(dir, { many: { prefix: 'host/many/', count: 1000 } });
    expect(statSync(r1.file!).size).toBeGreaterThan(16384);
    truncateSync(r1.file!, 16384);
    const r2 = host(dir, { many: { prefix: 'host/many/', count: 1000 } });
    expect(r2.file).toBeNull();
    expect(r2.reason).toMatch(/past the end of the file/);
    expect(debugText(dir)).toMatch(/truncated/);
    expect(statSync(r1.file!).size).toBe(16384);
  });

  it('the file has the same name but other metadata', () => {
    const dir = withDebug();
    const r1 = host(dir);
    const bytes = readFileSync(r1.file!);
    bytes.write('Version: 9.9.9', bytes.indexOf('Version: 1.0.0'));
    writeFileSync(r1.file!, bytes);
    const r2 = host(dir);
    expect(r2.reason).toMatch(/header mismatch/);
    expect(readOnly(r1.file!).counts.get('host/ran')).toBe(1n);
  });

  it('a chain pointer is corrupt when the host opens: the file is left untouched, counts stay in memory', () => {
    const dir = withDebug();
    const r1 = host(dir, {
      after: [
        ['host/a', 1],
        ['host/b', 1],
      ],
    });
    const bytes = readFileSync(r1.file!);
    const a = bytes.indexOf('host/a') - 16;
    bytes.writeUInt32LE(16384 - 64, a + 12); // host/a's next pointer now points at an empty slot
    writeFileSync(r1.file!, bytes);
    const r2 = host(dir, {
      after: [
        ['host/a', 1],
        [inBucketOf('host/a'), 1],
        ['host/zz-other', 1],
      ],
    });
    expect(r2.file).toBeNull();
    expect(r2.reason).toMatch(/corrupt counter file: .*16320/);
    expect(Buffer.compare(readFileSync(r1.file!), bytes)).toBe(0);
    expect(debugText(dir)).toMatch(/counting in memory: .*corrupt counter file/);
  });

  it('a chain pointer turns corrupt while the host counts: the lookup walks into it, and the process moves to memory once', () => {
    const dir = withDebug();
    const r1 = host(dir, {
      after: [
        ['host/a', 1],
        ['host/b', 1],
      ],
    });
    const a = readFileSync(r1.file!).indexOf('host/a') - 16;
    const spec = {
      dir,
      program: 'host',
      version: '1.0.0',
      now: NOW,
      poke: [[a + 12, 16384 - 64]],
      names: [inBucketOf('host/a'), 'host/zz-other'],
      times: 1000,
    };
    const r = runFixture('poke.mjs', spec, cleanEnv());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.file).toBe(r1.file); // the file was sound at open
    expect(out.again.file).toBeNull();
    expect(out.again.reason).toMatch(/counting in memory: .*corrupt counter file/);
    expect(out.debugNow).toEqual([]); // nothing written from inside an increment
    const lines = debugText(dir).trim().split('\n');
    expect(lines).toHaveLength(1); // once, not once per increment
    expect(lines[0]).toMatch(/counting in memory: .*corrupt counter file/);
    const after = readFileSync(r1.file!);
    expect(after.readUInt32LE(a + 12)).toBe(16384 - 64);
    expect(after.indexOf('host/zz-other')).toBe(-1); // nothing more was written to the damaged file
  });

  for (const [what, make] of [
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
    ['a symbolic link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
    [
      'a symbolic link to an empty file elsewhere',
      (file: string) => {
        const target = join(tempDir(), 'empty');
        writeFileSync(target, '');
        symlinkSync(target, file);
      },
    ],
  ] as const) {
    it(`${what} stands at the count file's name: the host does not block, writes nothing through it, and leaves it there`, () => {
      const dir = withDebug();
      const first = host(dir);
      const file = first.file!;
      rmSync(file);
      make(file);
      const before = lstatSync(file);
      const r = runFixture('count.mjs', { ...base, dir }, cleanEnv(), ROOT, 10_000);
      expect(r.error).toBeUndefined(); // no hang: killed after 10 s otherwise
      expect(r.status).toBe(0);
      const res = JSON.parse(r.stdout);
      expect(res.file).toBeNull();
      expect(res.reason).toMatch(/is not a regular file|is a symbolic link/);
      const after = lstatSync(file);
      expect([after.ino, after.mode, after.size]).toEqual([before.ino, before.mode, before.size]);
      if (after.isSymbolicLink() && readlinkSync(file) !== '/dev/zero')
        expect(statSync(file).size).toBe(0); // nothing written through it
    });
  }
});
