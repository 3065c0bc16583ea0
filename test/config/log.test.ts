// config/log.ts on real directories: a 10,000-entry log appended in batches verifies from a fresh
// read; each kind of tampering is refused with its own code and the path; the checkpoint is
// written last, so a failed append leaves the old checkpoint verifying.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../config/tlog/keys.js';
import { appendToLog, atomicWriter, dirReader, readLog, verifyLog } from '../../config/log.js';
import { TileError, tilePath, tilesForSize } from '../../config/tlog/tiles.js';
import { tempDir } from '../helpers.js';

const ORIGIN = 'log.example/test';
const { signer, verifier } = generateKey(ORIGIN, new Uint8Array(32).fill(7));
const entry = (i: number) => Buffer.from(`entry ${i} ${'x'.repeat(i % 50)}`);

function refusal(dir: string): { code: string; message: string } {
  try {
    verifyLog(dirReader(dir), verifier);
  } catch (error) {
    if (error instanceof TileError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('verifyLog accepted a tampered log');
}

function flip(file: string, offset: (len: number) => number): void {
  const b = readFileSync(file);
  b[offset(b.length)]! ^= 0x01;
  writeFileSync(file, b);
}

describe('a 10,000-entry log', () => {
  const dir = tempDir('tt-log-');
  beforeAll(() => {
    appendToLog(dir, [entry(0)], signer, ORIGIN);
    for (const [lo, hi] of [
      [1, 300],
      [300, 4097],
      [4097, 10000],
    ])
      appendToLog(
        dir,
        Array.from({ length: hi! - lo! }, (_, i) => entry(lo! + i)),
        signer,
        ORIGIN,
      );
  });

  it('verifies from a fresh read and lists every entry, in order', () => {
    const t0 = performance.now();
    const got = verifyLog(dirReader(dir), verifier);
    const ms = performance.now() - t0;
    console.log(`verifyLog of 10,000 entries: ${ms.toFixed(1)} ms`);
    expect(got.size).toBe(10000);
    expect(got.entries.map((entry) => Buffer.from(entry).toString())).toEqual(
      Array.from({ length: 10000 }, (_, i) => entry(i).toString()),
    );
    const view = readLog(dir, verifier);
    expect(Buffer.from(view.entry(4242)).toString()).toBe(entry(4242).toString());
    // Every tile of every size ever checkpointed is still there (partial tiles are kept).
    for (const s of [1, 300, 4097, 10000])
      for (const t of tilesForSize(s)) expect(existsSync(join(dir, tilePath(t)))).toBe(true);
  });

  const cases: Array<[string, (dir: string) => void, string, string]> = [
    [
      'a byte of a full tile',
      (dir) => flip(join(dir, 'tile/0/005'), () => 100),
      'ETILEHASH',
      'tile/0/005',
    ],
    [
      'a byte of a partial tile',
      (dir) => flip(join(dir, 'tile/0/039.p/16'), () => 5),
      'ETILEHASH',
      'tile/0/039.p/16',
    ],
    [
      'a byte of an entry bundle',
      (dir) => flip(join(dir, 'tile/entries/007'), (count) => count - 1),
      'EENTRY',
      'tile/entries/007',
    ],
    [
      'the checkpoint text',
      (dir) => flip(join(dir, 'checkpoint'), () => ORIGIN.length + 2),
      'ECHECKPOINT',
      'checkpoint',
    ],
    [
      'the checkpoint signature',
      (dir) => flip(join(dir, 'checkpoint'), (count) => count - 5),
      'ECHECKPOINT',
      'checkpoint',
    ],
    ['a deleted tile', (dir) => rmSync(join(dir, 'tile/0/012')), 'EMISSING', 'tile/0/012'],
    [
      'a truncated bundle',
      (dir) => truncateSync(join(dir, 'tile/entries/020'), 1000),
      'EBUNDLE',
      'tile/entries/020',
    ],
    [
      'a tile with a hash too many',
      (dir) =>
        writeFileSync(
          join(dir, 'tile/1/000.p/39'),
          Buffer.concat([readFileSync(join(dir, 'tile/1/000.p/39')), Buffer.alloc(32)]),
        ),
      'ETILESIZE',
      'tile/1/000.p/39',
    ],
  ];
  it.each(cases)('refuses %s with its code and the path', (_, tamper, code, path) => {
    const copy = tempDir('tt-log-bad-');
    cpSync(dir, copy, { recursive: true });
    expect(() => verifyLog(dirReader(copy), verifier)).not.toThrow();
    tamper(copy);
    const r = refusal(copy);
    expect(r.code).toBe(code);
    expect(r.message).toContain(path);
  });

  it('a changed checkpoint text and a changed signature both fail Ed25519 (EBADSIG underneath): no signature tells which half changed', () => {
    const causes = [() => ORIGIN.length + 2, (count: number) => count - 5].map((offset) => {
      const copy = tempDir('tt-log-cp-');
      cpSync(dir, copy, { recursive: true });
      flip(join(copy, 'checkpoint'), offset);
      try {
        readLog(copy, verifier);
      } catch (error) {
        return ((error as TileError).cause as { code: string }).code;
      }
      return 'accepted';
    });
    expect(causes).toEqual(['EBADSIG', 'EBADSIG']);
  });
});

describe('appendToLog', () => {
  it('writes the checkpoint last: a failure after the tiles leaves the old checkpoint verifying', () => {
    const dir = tempDir('tt-log-atomic-');
    appendToLog(dir, [entry(0), entry(1), entry(2)], signer, ORIGIN);
    const before = readFileSync(join(dir, 'checkpoint'));
    const writes: string[] = [];
    const real = atomicWriter(dir);
    const failing = (path: string, data: Uint8Array) => {
      writes.push(path);
      if (path === 'checkpoint') {
        // Everything the new checkpoint needs is on disk before it would be replaced.
        for (const t of tilesForSize(303)) expect(existsSync(join(dir, tilePath(t)))).toBe(true);
        throw new Error('disk full');
      }
      real(path, data);
    };
    expect(() =>
      appendToLog(
        dir,
        Array.from({ length: 300 }, (_, i) => entry(3 + i)),
        signer,
        ORIGIN,
        failing,
      ),
    ).toThrow('disk full');
    expect(writes.at(-1)).toBe('checkpoint');
    expect(writes.filter((write) => write === 'checkpoint')).toHaveLength(1);
    expect(readFileSync(join(dir, 'checkpoint'))).toEqual(before);
    expect(verifyLog(dirReader(dir), verifier).size).toBe(3);
    // The append can be retried; it rewrites the unreferenced tiles.
    expect(
      appendToLog(
        dir,
        Array.from({ length: 300 }, (_, i) => entry(3 + i)),
        signer,
        ORIGIN,
      ).size,
    ).toBe(303);
    expect(verifyLog(dirReader(dir), verifier).entries).toHaveLength(303);
  });

  it('refuses a different origin, an entry over 65,535 bytes, and a log it cannot verify', () => {
    const dir = tempDir('tt-log-refuse-');
    expect(appendToLog(dir, [], signer, ORIGIN).size).toBe(0);
    expect(verifyLog(dirReader(dir), verifier)).toMatchObject({ size: 0, entries: [] });
    expect(() => appendToLog(dir, [entry(1)], signer, 'other.example/log')).toThrow(
      expect.objectContaining({ code: 'ECHECKPOINT' }),
    );
    expect(() => appendToLog(dir, [new Uint8Array(65536)], signer, ORIGIN)).toThrow(
      expect.objectContaining({ code: 'ETOOBIG' }),
    );
    expect(appendToLog(dir, [new Uint8Array(65535)], signer, ORIGIN).size).toBe(1);
    const other = generateKey(ORIGIN, new Uint8Array(32).fill(9));
    expect(() => appendToLog(dir, [entry(2)], other.signer, ORIGIN)).toThrow(
      expect.objectContaining({ code: 'ECHECKPOINT' }),
    );
    rmSync(join(dir, 'tile/0/000.p/1'));
    expect(() => appendToLog(dir, [entry(2)], signer, ORIGIN)).toThrow(
      expect.objectContaining({ code: 'EMISSING' }),
    );
  });

  it('refuses paths outside the spec and files over their cap when reading a directory', () => {
    const dir = tempDir('tt-log-paths-');
    const read = dirReader(dir);
    for (const p of [
      '../etc/passwd',
      'tile/0/1',
      'tile/0/000.p/256',
      'tile/entries/x1/000',
      '/checkpoint',
    ])
      expect(() => read(p)).toThrow(expect.objectContaining({ code: 'EPATH' }));
    writeFileSync(join(dir, 'checkpoint'), Buffer.alloc((1 << 20) + 1));
    expect(() => read('checkpoint')).toThrow(expect.objectContaining({ code: 'ETILESIZE' }));
  });

  it('never blocks on a FIFO or reads a device at a log path: a monitor of a hostile directory finishes', () => {
    const dir = tempDir('tt-log-special-');
    execFileSync('mkfifo', [join(dir, 'checkpoint')]);
    mkdirSync(join(dir, 'tile', '0'), { recursive: true });
    symlinkSync('/dev/zero', join(dir, 'tile', '0', '000'));
    const read = dirReader(dir);
    expect(() => read('checkpoint')).toThrow(
      /checkpoint could not be read: is not a regular file \(a FIFO\)/,
    );
    // A link to a device: refused as a link before anything is opened (the collector serves none).
    expect(() => read('tile/0/000')).toThrow(expect.objectContaining({ code: 'ESYMLINK' }));
  });
});
