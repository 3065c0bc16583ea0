// Before counting into a file, a host checks it by the reader's rules and its allocation
// limit: a file it counts into is one every reader shows, and a damaged one is never written.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketOf, firstRecordOffset } from '../../counter/countfile/index.js';
import { cleanEnv, readOnly, runFixture, tempDir } from '../helpers.js';

const NOW = '2026-11-23T12:00:00Z';

function host(dir: string, after: Array<[string, number]>) {
  const r = runFixture(
    'count.mjs',
    { program: 'host', version: '1.0.0', now: NOW, dir, after },
    cleanEnv(),
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { mode: string; file: string | null; reason: string };
}

/** A count file written by a real host, with `names` in it; returns its path and bytes. */
function made(names: string[]) {
  const dir = tempDir();
  mkdirSync(join(dir, 'local'));
  writeFileSync(join(dir, 'local', 'weekends'), '4\n');
  const file = host(
    dir,
    names.map((name) => [name, 1]),
  )!.file!;
  const bytes = readFileSync(file);
  const hdrLen = bytes.readUInt32LE(28);
  const rec = (name: string) => bytes.indexOf(`\0${name}\0`) + 1 - 16;
  const head = (bucket: number) => hdrLen + 4 + 4 * bucket;
  return { dir, file, bytes, hdrLen, rec, head };
}

/** Writes the damaged bytes, runs the host again, and checks it left them alone. */
function expectRefused(crafted: ReturnType<typeof made>, reason: RegExp) {
  writeFileSync(crafted.file, crafted.bytes);
  const r = host(crafted.dir, [
    ['host/new', 1],
    ['host/a', 1],
  ]);
  expect(r.file).toBeNull();
  expect(r.reason).toMatch(reason);
  expect(Buffer.compare(readFileSync(crafted.file), crafted.bytes)).toBe(0);
}

describe('a host refuses to count into a file', () => {
  it('whose allocation limit was lowered below a linked record (new names would land on it)', () => {
    const f = made(['host/a', 'host/b']);
    f.bytes.writeUInt32LE(firstRecordOffset(f.hdrLen), f.hdrLen);
    expectRefused(
      f,
      /corrupt counter file: a linked record ends at \d+, past the allocation limit \d+/,
    );
    expect(readOnly(f.file).counts.get('host/a')).toBe(1n); // readers still show it
  });

  it('with the same name linked twice', () => {
    const f = made(['host/a', 'host/b']);
    const [a, b] = [f.rec('host/a'), f.rec('host/b')];
    f.bytes.write('a', b + 16 + 5); // host/b becomes a second host/a, linked in front of the first
    f.bytes.writeUInt32LE(0, f.head(bucketOf(Buffer.from('host/b'))));
    f.bytes.writeUInt32LE(a, b + 12);
    f.bytes.writeUInt32LE(b, f.head(bucketOf(Buffer.from('host/a'))));
    expectRefused(f, /duplicate counter name/);
    expect(() => readOnly(f.file)).toThrow(/duplicate counter name/);
  });

  it('with a name longer than 4096 bytes', () => {
    const f = made(['host/a']);
    f.bytes.writeUInt32LE((0xff000000 | 5000) >>> 0, f.rec('host/a') + 8);
    expectRefused(f, /has a name of 5000 bytes/);
    expect(() => readOnly(f.file)).toThrow(/has a name of 5000 bytes/);
  });

  it('with a chain that loops', () => {
    const f = made(['host/a']);
    f.bytes.writeUInt32LE(f.rec('host/a'), f.rec('host/a') + 12);
    expectRefused(f, /overlaps another record/);
    expect(() => readOnly(f.file)).toThrow(/overlaps another record/);
  });
});

describe('a file shorter than 16 KiB at the count file name', () => {
  /** The exact header a host writes, and the path it writes it to. */
  function headerAndPath() {
    const f = made(['host/a']);
    return { ...f, header: f.bytes.subarray(0, f.hdrLen) };
  }

  it('holding exactly our header is one being created: it is finished and counted into', () => {
    const f = headerAndPath();
    writeFileSync(f.file, f.header);
    const r = host(f.dir, [['host/a', 1]]);
    expect(r.file).toBe(f.file);
    expect(statSync(f.file).size).toBe(16384);
    expect(readOnly(f.file).counts).toEqual(new Map([['host/a', 1n]]));
  });

  it('holding our header and zero bytes is one being created too', () => {
    const f = headerAndPath();
    writeFileSync(f.file, Buffer.concat([f.header, Buffer.alloc(1000)]));
    expect(host(f.dir, [['host/a', 1]]).file).toBe(f.file);
    expect(readOnly(f.file).counts).toEqual(new Map([['host/a', 1n]]));
  });

  for (const [what, bytes] of [
    ['a prefix of our header', (header: Buffer) => header.subarray(0, 40)],
    [
      'our header, then other bytes',
      (header: Buffer) => Buffer.concat([header, Buffer.from('other bytes')]),
    ],
    [
      'another header of the same length',
      (header: Buffer) =>
        Buffer.from(
          header.toString('latin1').replace('Version: 1.0.0', 'Version: 9.9.9'),
          'latin1',
        ),
    ],
  ] as const) {
    it(`holding ${what} is left untouched, counts stay in memory`, () => {
      const f = headerAndPath();
      const content = Buffer.from(bytes(f.header));
      writeFileSync(f.file, content);
      const r = host(f.dir, [['host/a', 1]]);
      expect(r.file).toBeNull();
      expect(r.reason).toMatch(/header mismatch/);
      expect(Buffer.compare(readFileSync(f.file), content)).toBe(0);
    });
  }
});
