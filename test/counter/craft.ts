// Builds count files byte by byte for tests: valid ones with raw (even invalid UTF-8) names,
// and hostile ones that no writer produces.
import {
  MIN_FILE_LEN,
  NEEDS_IO,
  addAt,
  bucketOf,
  buildHeader,
  firstRecordOffset,
  memoryCountMap,
  resolve,
  sync,
} from '../../counter/countfile/index.js';

export const HEADER = buildHeader({
  TimeBegin: '2026-11-23T00:00:00Z',
  TimeEnd: '2026-11-26T00:00:00Z',
  Program: 'p',
  Version: '1.0.0',
  Runtime: 'node20.20.2',
  OS: 'linux',
  Arch: 'x64',
})!;
export const HDR_LEN = HEADER.length;
export const FIRST = firstRecordOffset(HDR_LEN);

/** A file holding `entries` (raw name bytes, value), placed by the real allocator. */
export function rawImage(entries: Array<[Uint8Array, bigint]>): Uint8Array {
  const m = memoryCountMap(HEADER, 1 << 20);
  for (const [name, value] of entries) {
    let off = resolve(m, name, bucketOf(name));
    if (off === NEEDS_IO) {
      sync(m);
      off = resolve(m, name, bucketOf(name));
    }
    addAt(m.region.u64, off >>> 3, value);
  }
  return m.region.bytes.slice(0, Math.max(m.size, MIN_FILE_LEN));
}

export type Shape = 'staircase' | 'fan' | 'max-names';

/**
 * A hostile file of `size` bytes:
 * - staircase: one chain of records 8 bytes apart, each name running to the end of the file;
 * - fan: every bucket head points at its own record, 8 bytes apart, names to the end;
 * - max-names: one chain of records 8 bytes apart, each with a 4096-byte name (the most any
 *   writer stores), in the bucket of the first name: only the overlap is wrong.
 */
export function hostile(shape: Shape, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(HEADER, 0);
  const v = new DataView(b.buffer);
  const head = (bucket: number, off: number) => v.setUint32(HDR_LEN + 4 + 4 * bucket, off, true);
  const record = (off: number, len: number, next: number) => {
    v.setUint32(off + 8, (0xff000000 | Math.min(len, 0xffffff)) >>> 0, true);
    v.setUint32(off + 12, next, true);
  };
  b.fill(0x61, FIRST); // names of 'a's
  v.setUint32(HDR_LEN, size - 64, true); // a limit past every record
  if (shape === 'fan') {
    for (let k = 0; k < 512; k++) {
      const off = FIRST + 8 * k;
      head(k, off);
      record(off, size - off - 16, 0);
    }
    return b;
  }
  const last = shape === 'staircase' ? size - 24 : size - 4096 - 16;
  for (let off = FIRST; off <= last; off += 8)
    record(off, shape === 'staircase' ? size - off - 16 : 4096, off + 8 <= last ? off + 8 : 0);
  head(shape === 'staircase' ? 0 : bucketOf(b.subarray(FIRST + 16, FIRST + 16 + 4096)), FIRST);
  return b;
}
