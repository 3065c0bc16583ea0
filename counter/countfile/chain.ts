// Finding and allocating a name's record in a mapped count file, lock-free: the lookup through
// this process's index of the file, then allocation (CAS on the allocation limit, then on the
// bucket head). Every process on the machine runs the same steps on the same bytes;
// docs/count-file.md ("Allocation") lists who may race with whom and what each race does.
import {
  DEAD,
  LEN_MARK,
  LEN_MASK,
  MAX_NAME_LEN,
  NUM_BUCKETS,
  REC_LEN_OFF,
  REC_NAME_OFF,
  REC_NEXT_OFF,
  firstRecordOffset,
  placeRecord,
  recordSize,
  RECORD_ALIGN,
} from './format.js';
import { type CountMap, CorruptError } from './mapped.js';

/** Returned instead of an offset when the answer needs a system call (see `sync` in file.ts). */
export const NEEDS_IO = -1;

function bucketIndex(map: CountMap, bucket: number): number {
  return (map.hdrLen + 4 + 4 * bucket) >>> 2;
}

/**
 * Checks a linked record met while walking a chain, by the rules the open-time check applied
 * to the whole file; NEEDS_IO when it lies past what this process knows of the file. The
 * limit is read after the pointer: a record is allocated (the limit passes its end) before it
 * is linked, so a linked record ending past the limit is corrupt, never a race.
 */
function checkRecord(map: CountMap, off: number): number {
  if (off % RECORD_ALIGN !== 0 || off < firstRecordOffset(map.hdrLen))
    throw new CorruptError(map.path, `bad record offset ${off}`);
  const limit = Atomics.load(map.region.u32, map.hdrLen >>> 2);
  if (off + REC_NAME_OFF > limit)
    throw new CorruptError(map.path, `record offset ${off} is past the allocation limit ${limit}`);
  if (off + REC_NAME_OFF > map.size) return NEEDS_IO;
  const len = Atomics.load(map.region.u32, (off + REC_LEN_OFF) >>> 2) & LEN_MASK;
  if (len === 0 || len > MAX_NAME_LEN)
    throw new CorruptError(map.path, `record at offset ${off} has a name of ${len} bytes`);
  if (off + REC_NAME_OFF + len > limit)
    throw new CorruptError(
      map.path,
      `record at offset ${off} ends past the allocation limit ${limit}`,
    );
  return off + REC_NAME_OFF + len > map.size ? NEEDS_IO : len;
}

function sameName(map: CountMap, off: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  const bytes = map.region.bytes;
  const base = off + REC_NAME_OFF;
  for (let i = 0; i < len; i++) if (bytes[base + i] !== name[i]) return false;
  return true;
}

/**
 * Walks the chain from `from` until `until` (0: the end). Returns the matching record's
 * offset, 0 when absent, or NEEDS_IO. The step bound turns a cyclic chain into an error.
 */
function findInChain(map: CountMap, from: number, until: number, name: Uint8Array): number {
  const u32 = map.region.u32;
  for (let off = from, steps = 0; off !== until && off !== 0; steps++) {
    if (steps > map.size / 32) throw new CorruptError(map.path, 'hash chain has a cycle');
    const len = checkRecord(map, off);
    if (len === NEEDS_IO) return NEEDS_IO;
    if (sameName(map, off, len, name)) return off;
    off = Atomics.load(u32, (off + REC_NEXT_OFF) >>> 2);
  }
  return 0;
}

/**
 * The record offset for `name`, allocating it if no process has yet; or NEEDS_IO. The head
 * seen by the lookup is the one linking starts from: anything linked after it is checked
 * for the same name, so two processes never both publish one name.
 */
export function resolve(map: CountMap, name: Uint8Array, bucket: number): number {
  const head = Atomics.load(map.region.u32, bucketIndex(map, bucket));
  const found = lookup(map, bucket, head, name);
  return found !== 0 ? found : allocate(map, name, bucket, head);
}

/**
 * Finds `name` through this process's index of the file (`NameIndex`): only the records
 * linked at the bucket's head since the index last looked are walked (and checked), so a
 * lookup costs the same with 100 names in a chain as with 1. 0 when absent, or NEEDS_IO.
 */
function lookup(map: CountMap, bucket: number, head: number, name: Uint8Array): number {
  const index = (map.index ??= { heads: new Uint32Array(NUM_BUCKETS), offsets: new Map() });
  const known = index.heads[bucket]!;
  if (head !== known) {
    const u32 = map.region.u32;
    // Chains grow only at their heads and a linked record never changes, so the walk from the
    // new head must reach the old one; the step bound turns a cyclic chain into an error.
    for (let off = head, steps = 0; off !== known; steps++) {
      if (off === 0)
        throw new CorruptError(map.path, `hash chain ${bucket} lost records seen before`);
      if (steps > map.size / 32) throw new CorruptError(map.path, 'hash chain has a cycle');
      const len = checkRecord(map, off);
      if (len === NEEDS_IO) return NEEDS_IO; // the index stays as it was: walked again next time
      const key = nameKey(map.region.bytes, off + REC_NAME_OFF, len);
      if (!index.offsets.has(key)) index.offsets.set(key, off);
      off = Atomics.load(u32, (off + REC_NEXT_OFF) >>> 2);
    }
    index.heads[bucket] = head;
  }
  return index.offsets.get(nameKey(name, 0, name.length)) ?? 0;
}

/** A name's bytes as a map key, one character per byte (names are at most MAX_NAME_LEN bytes). */
function nameKey(bytes: Uint8Array, start: number, len: number): string {
  let key = '';
  for (let i = start, end = start + len; i < end; i += KEY_CHUNK) {
    const chunk = bytes.subarray(i, Math.min(i + KEY_CHUNK, end));
    key += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return key;
}
const KEY_CHUNK = 4096;

function allocate(map: CountMap, name: Uint8Array, bucket: number, seenHead: number): number {
  const u32 = map.region.u32;
  const limitIdx = map.hdrLen >>> 2;
  const size = recordSize(name.length);
  let start: number;
  for (;;) {
    const limit = Atomics.load(u32, limitIdx);
    if (limit > map.size) return NEEDS_IO; // another process grew the file
    const place = placeRecord(limit, map.hdrLen, size);
    if (place.end > map.size) {
      map.wantEnd = Math.max(map.wantEnd, place.end);
      return NEEDS_IO;
    }
    if (Atomics.compareExchange(u32, limitIdx, limit, place.end) === limit) {
      start = place.start;
      break;
    }
  }
  map.region.bytes.set(name, start + REC_NAME_OFF);
  Atomics.store(u32, (start + REC_LEN_OFF) >>> 2, (name.length | LEN_MARK) >>> 0);
  return link(map, name, bucket, start, seenHead);
}

/** Publishes a written record at its bucket's head; if another process linked the same name first, ours dies. */
function link(
  map: CountMap,
  name: Uint8Array,
  bucket: number,
  start: number,
  seenHead: number,
): number {
  const u32 = map.region.u32;
  const head = bucketIndex(map, bucket);
  const nextIdx = (start + REC_NEXT_OFF) >>> 2;
  let old = seenHead;
  for (;;) {
    Atomics.store(u32, nextIdx, old);
    const seen = Atomics.compareExchange(u32, head, old, start);
    if (seen === old) return start;
    const other = findInChain(map, seen, old, name);
    if (other !== 0) {
      Atomics.store(u32, nextIdx, DEAD);
      return other; // NEEDS_IO here leaves our record dead too: the name resolves on the next try.
    }
    old = seen;
  }
}
