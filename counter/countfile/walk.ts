// The structural rules every linked record must meet, in one place for the reader (parse.ts)
// and for the writer's check when it opens a file (mapped.ts): a file the writer agrees to count
// into is one every reader accepts. The walk is linear in the file's size, whatever the bytes:
// linked records may not overlap (a bitmap of 8-byte units; Go's writer never links
// overlapping records, and dead ones are never linked) and no name is longer than any writer
// stores, so a crafted file cannot make a reader decode the same bytes over and over.
import {
  LEN_MASK,
  MAX_NAME_LEN,
  NUM_BUCKETS,
  REC_LEN_OFF,
  REC_NAME_OFF,
  REC_NEXT_OFF,
  firstRecordOffset,
  RECORD_ALIGN,
} from './format.js';

/** Builds the error for a broken rule. */
export type Fail = (why: string) => Error;

/** Called once per linked record; `key` is its raw name as a latin1 string (one char per byte). */
export type Visit = (off: number, nameLen: number, key: string) => void;

/**
 * For a live file: asked when a record lies past `size` (another process may have grown the
 * file and linked it since the size was read); returns the bytes and size as they are now, or
 * null when the file does not reach `end`.
 */
export type Refresh = (end: number) => { bytes: Uint8Array; size: number } | null;

const ALIGN = RECORD_ALIGN;

/**
 * Walks every hash chain of the file held in `bytes[0, size)` and visits each linked record
 * once. Throws `fail(…)` on the first broken rule: an offset inside the header, misaligned or
 * past the end; an empty name, one over MAX_NAME_LEN bytes, or one running past the end; a
 * record that overlaps another (this also ends cycles); two records with the same name.
 * Returns the end of the furthest linked name (0: none). Whether a record sits in the bucket
 * its name hashes to is not checked (Go does not either): hashing every name would double the
 * cost of opening a file.
 */
export function walkLinked(
  bytes: Uint8Array,
  size: number,
  hdrLen: number,
  littleEndian: boolean,
  fail: Fail,
  visit?: Visit,
  refresh?: Refresh,
): number {
  let view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, size);
  let used = new Uint32Array(units(size));
  const first = firstRecordOffset(hdrLen);
  const names = new Set<string>();
  /** Whether the file reaches `end`, asking `refresh` (and taking the new views) if needed. */
  const reaches = (end: number): boolean => {
    if (end <= size) return true;
    const now = refresh?.(end);
    if (!now || now.size < end) return false;
    ({ bytes, size } = now);
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    text = Buffer.from(bytes.buffer, bytes.byteOffset, size);
    const grown = new Uint32Array(units(size));
    grown.set(used);
    used = grown;
    return true;
  };
  let maxEnd = 0;
  for (let bucket = 0; bucket < NUM_BUCKETS; bucket++) {
    let off = view.getUint32(hdrLen + 4 + 4 * bucket, littleEndian);
    while (off !== 0) {
      if (off < first || !reaches(off + REC_NAME_OFF))
        throw fail(`record offset ${off} out of range`);
      if (off % ALIGN !== 0) throw fail(`record offset ${off} is not a multiple of ${ALIGN}`);
      const len = view.getUint32(off + REC_LEN_OFF, littleEndian) & LEN_MASK;
      if (len === 0) throw fail(`record at offset ${off} has an empty name`);
      if (len > MAX_NAME_LEN)
        throw fail(`record at offset ${off} has a name of ${len} bytes (at most ${MAX_NAME_LEN})`);
      const end = off + REC_NAME_OFF + len;
      if (!reaches(end)) throw fail(`record at offset ${off} runs past the end`);
      if (!claim(used, off, end)) throw fail(`record at offset ${off} overlaps another record`);
      const key = (text as unknown as Latin1).latin1Slice(off + REC_NAME_OFF, end);
      if (names.has(key)) throw fail(`duplicate counter name at offset ${off}`);
      names.add(key);
      visit?.(off, len, key);
      if (end > maxEnd) maxEnd = end;
      off = view.getUint32(off + REC_NEXT_OFF, littleEndian);
    }
  }
  return maxEnd;
}

/** Buffer's own latin1 slicer: `toString('latin1', …)` costs a third more per record. */
interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

const units = (size: number) => Math.ceil(size / ALIGN / 32) + 1;

/** Marks the 8-byte units of [start, end) as used; false if one already was. */
function claim(used: Uint32Array, start: number, end: number): boolean {
  const last = Math.ceil(end / ALIGN);
  for (let u = start / ALIGN; u < last; u++) {
    const bit = 1 << (u & 31);
    if (used[u >>> 5]! & bit) return false;
    used[u >>> 5]! |= bit;
  }
  return true;
}
