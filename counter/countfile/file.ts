// One count file, mapped shared and writable, and the lock-free operations on it: find a
// name's record, allocate one (CAS on the allocation limit, then on the bucket head), add
// to a value, grow the file. Every process on the machine runs the same steps on the same
// bytes; docs/count-file.md ("Allocation") lists who may race with whom and what each race does.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import {
  DEAD, LEN_MARK, LEN_MASK, MAX_NAME_LEN, MAX_U64, MIN_FILE_LEN, NUM_BUCKETS, PAGE_SIZE,
  REC_LEN_OFF, REC_NAME_OFF, REC_NEXT_OFF, firstRecordOffset, placeRecord, recordSize, roundUp,
} from './format.js';
import { type CountMap, CorruptError, HeaderMismatchError, checkFile, mapLength, widen } from './mapped.js';
import { type Backend, openWin32 } from '../mmap/index.js';
import { extend, reserveRange, reserveTo, unlinkQuietly } from './room.js';

/** Returned instead of an offset when the answer needs a system call (see `sync`). */
export const NEEDS_IO = -1;

const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens (creating if needed) and maps a count file whose header must equal `header`, and
 * checks it by the reader's rules before counting into it (`checkFile`). Every byte it will
 * touch is reserved first (docs/count-file.md): a store into a hole on a full disk is SIGBUS.
 */
export function openCountMap(path: string, header: Uint8Array, be: Backend): CountMap {
  // Never through a symbolic link, never blocking (a FIFO at this name), and only a regular
  // file is ours: anything else is left exactly as it is, and the process counts in memory.
  const fd = openFile(path);
  let size = 0;
  let created = false;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path}: is not a regular file; left as it is`);
    size = st.size;
    created = size === 0;
    if (size < MIN_FILE_LEN) {
      // Empty, or caught between another creator's two writes (our header, then the first
      // page's blocks and size): finishing its work writes the same bytes. Anything else is not ours.
      if (size > 0 && !isBeingCreated(fd, size, header)) throw new HeaderMismatchError(path);
      // Header first, by a plain write (no room is an error, never a signal), then the first
      // page's blocks and size at once: a file of 16 KiB always has its header, and no hole.
      writeSync(fd, header, 0, header.length, 0);
      extend(fd, path, 0, MIN_FILE_LEN);
      size = fstatSync(fd).size;
    }
    // Blocks for all it holds now: a file grown sparse (by an older version, or by Go) has
    // holes. One whose blocks already cover its size (the usual case) needs no call at all,
    // which spares every start the cost of declaring fallocate through the native layer.
    if (!created && st.blocks * 512 < size) reserveRange(fd, path, 0, size);
  } catch (e) {
    closeSync(fd);
    // A file we made but could not complete holds no counts yet: leave no broken file behind
    // (nor its blocks on a full disk). One that was already there is not ours to remove.
    if (created && size < MIN_FILE_LEN) unlinkQuietly(path);
    throw e;
  }
  try {
    const mapLen = mapLength(size, path);
    const m: CountMap = { path, fd, region: be.map(fd, mapLen), backend: be, mapLen, size, hdrLen: header.length, wantEnd: 0, reserved: size, created };
    checkFile(m, header);
    // checkFile may have learnt a size that others grew to since: cover it before use.
    if (m.size > m.reserved) reserveTo(m, m.size);
    return m;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function openFile(path: string): number {
  // Windows has no O_NOFOLLOW: win32.ts opens without following reparse points instead.
  if (process.platform === 'win32') return openWin32(path);
  try {
    return openSync(path, OPEN_FLAGS, 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`${path}: is a symbolic link; left as it is`);
    throw e;
  }
}

/** A short file is one being created if it holds exactly our header, then only zero bytes. */
function isBeingCreated(fd: number, size: number, header: Uint8Array): boolean {
  if (size < header.length) return false;
  const have = new Uint8Array(size);
  readSync(fd, have, 0, size, 0);
  return have.every((b, i) => b === (i < header.length ? header[i] : 0));
}

/** An unbacked file of `capacity` bytes, for building exact file images in memory. */
export function memoryCountMap(header: Uint8Array, capacity: number): CountMap {
  const buf = new ArrayBuffer(capacity);
  const region = { bytes: new Uint8Array(buf), u32: new Uint32Array(buf), u64: new BigUint64Array(buf) };
  region.bytes.set(header, 0);
  return { path: '<memory>', fd: -1, region, backend: null, mapLen: capacity, size: MIN_FILE_LEN, hdrLen: header.length, wantEnd: 0, reserved: capacity, created: true };
}


function bucketIndex(m: CountMap, bucket: number): number {
  return (m.hdrLen + 4 + 4 * bucket) >>> 2;
}

/**
 * Checks a linked record met while walking a chain, by the rules the open-time check applied
 * to the whole file; NEEDS_IO when it lies past what this process knows of the file. The
 * limit is read after the pointer: a record is allocated (the limit passes its end) before it
 * is linked, so a linked record ending past the limit is corrupt, never a race.
 */
function checkRecord(m: CountMap, off: number): number {
  if (off % RECORD_ALIGN !== 0 || off < firstRecordOffset(m.hdrLen)) throw new CorruptError(m.path, `bad record offset ${off}`);
  const limit = Atomics.load(m.region.u32, m.hdrLen >>> 2);
  if (off + REC_NAME_OFF > limit) throw new CorruptError(m.path, `record offset ${off} is past the allocation limit ${limit}`);
  if (off + REC_NAME_OFF > m.size) return NEEDS_IO;
  const len = Atomics.load(m.region.u32, (off + REC_LEN_OFF) >>> 2) & LEN_MASK;
  if (len === 0 || len > MAX_NAME_LEN) throw new CorruptError(m.path, `record at offset ${off} has a name of ${len} bytes`);
  if (off + REC_NAME_OFF + len > limit) throw new CorruptError(m.path, `record at offset ${off} ends past the allocation limit ${limit}`);
  return off + REC_NAME_OFF + len > m.size ? NEEDS_IO : len;
}
const RECORD_ALIGN = 8;

function sameName(m: CountMap, off: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  const b = m.region.bytes;
  const base = off + REC_NAME_OFF;
  for (let i = 0; i < len; i++) if (b[base + i] !== name[i]) return false;
  return true;
}

/**
 * Walks the chain from `from` until `until` (0: the end). Returns the matching record's
 * offset, 0 when absent, or NEEDS_IO. The step bound turns a cyclic chain into an error.
 */
function findInChain(m: CountMap, from: number, until: number, name: Uint8Array): number {
  const u32 = m.region.u32;
  for (let off = from, steps = 0; off !== until && off !== 0; steps++) {
    if (steps > m.size / 32) throw new CorruptError(m.path, 'hash chain has a cycle');
    const len = checkRecord(m, off);
    if (len === NEEDS_IO) return NEEDS_IO;
    if (sameName(m, off, len, name)) return off;
    off = Atomics.load(u32, (off + REC_NEXT_OFF) >>> 2);
  }
  return 0;
}

/**
 * The record offset for `name`, allocating it if no process has yet; or NEEDS_IO. The head
 * seen by the lookup is the one linking starts from: anything linked after it is checked
 * for the same name, so two processes never both publish one name.
 */
export function resolve(m: CountMap, name: Uint8Array, bucket: number): number {
  const head = Atomics.load(m.region.u32, bucketIndex(m, bucket));
  const found = lookup(m, bucket, head, name);
  return found !== 0 ? found : allocate(m, name, bucket, head);
}

/**
 * Finds `name` through this process's index of the file (`NameIndex`): only the records
 * linked at the bucket's head since the index last looked are walked (and checked), so a
 * lookup costs the same with 100 names in a chain as with 1. 0 when absent, or NEEDS_IO.
 */
function lookup(m: CountMap, bucket: number, head: number, name: Uint8Array): number {
  const index = (m.index ??= { heads: new Uint32Array(NUM_BUCKETS), offsets: new Map() });
  const known = index.heads[bucket]!;
  if (head !== known) {
    const u32 = m.region.u32;
    // Chains grow only at their heads and a linked record never changes, so the walk from the
    // new head must reach the old one; the step bound turns a cyclic chain into an error.
    for (let off = head, steps = 0; off !== known; steps++) {
      if (off === 0) throw new CorruptError(m.path, `hash chain ${bucket} lost records seen before`);
      if (steps > m.size / 32) throw new CorruptError(m.path, 'hash chain has a cycle');
      const len = checkRecord(m, off);
      if (len === NEEDS_IO) return NEEDS_IO; // the index stays as it was: walked again next time
      const key = nameKey(m.region.bytes, off + REC_NAME_OFF, len);
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

function allocate(m: CountMap, name: Uint8Array, bucket: number, seenHead: number): number {
  const u32 = m.region.u32;
  const limitIdx = m.hdrLen >>> 2;
  const size = recordSize(name.length);
  let start: number;
  for (;;) {
    const limit = Atomics.load(u32, limitIdx);
    if (limit > m.size) return NEEDS_IO; // another process grew the file
    const place = placeRecord(limit, m.hdrLen, size);
    if (place.end > m.size) {
      m.wantEnd = Math.max(m.wantEnd, place.end);
      return NEEDS_IO;
    }
    if (Atomics.compareExchange(u32, limitIdx, limit, place.end) === limit) {
      start = place.start;
      break;
    }
  }
  m.region.bytes.set(name, start + REC_NAME_OFF);
  Atomics.store(u32, (start + REC_LEN_OFF) >>> 2, (name.length | LEN_MARK) >>> 0);
  return link(m, name, bucket, start, seenHead);
}

/** Publishes a written record at its bucket's head; if another process linked the same name first, ours dies. */
function link(m: CountMap, name: Uint8Array, bucket: number, start: number, seenHead: number): number {
  const u32 = m.region.u32;
  const head = bucketIndex(m, bucket);
  const nextIdx = (start + REC_NEXT_OFF) >>> 2;
  let old = seenHead;
  for (;;) {
    Atomics.store(u32, nextIdx, old);
    const seen = Atomics.compareExchange(u32, head, old, start);
    if (seen === old) return start;
    const other = findInChain(m, seen, old, name);
    if (other !== 0) {
      Atomics.store(u32, nextIdx, DEAD);
      return other; // NEEDS_IO here leaves our record dead too: the name resolves on the next try.
    }
    old = seen;
  }
}

/** Adds to a record's value, pinning it at 2^64−1 instead of wrapping. */
export function addAt(u64: BigUint64Array, index: number, n: bigint): void {
  const old = Atomics.add(u64, index, n);
  if ((old >= HALF || n >= HALF) && old > MAX_U64 - n) saturate(u64, index);
}
/** Below 2^63 a sum of two values cannot wrap, so the exact (allocating) check is rarely needed. */
const HALF = 1n << 63n;

export function saturate(u64: BigUint64Array, index: number): void {
  for (;;) {
    const cur = Atomics.load(u64, index);
    if (cur === MAX_U64 || Atomics.compareExchange(u64, index, cur, MAX_U64) === cur) return;
  }
}

/**
 * The system-call half of the engine, never run from inside an increment: learns the file's
 * current size and, when an allocation wanted more room, grows the file by whole pages.
 * Growth reserves the new pages' blocks before the size moves (fallocate sets both at once),
 * so no process ever sees a size with a hole under it; and before this process uses bytes that
 * others grew the file to, it reserves them too (an older version may have left them sparse).
 * A reservation that fails (a full disk) is an error: the engine counts in memory from then on.
 */
export function sync(m: CountMap): void {
  if (m.fd < 0) {
    m.size = Math.max(m.size, roundUp(m.wantEnd, PAGE_SIZE));
    m.wantEnd = 0;
    return;
  }
  const limit = Atomics.load(m.region.u32, m.hdrLen >>> 2); // read before the size: see checkNotTruncated
  let actual = fstatSync(m.fd).size;
  const want = roundUp(m.wantEnd, PAGE_SIZE);
  widen(m, Math.max(want, actual));
  if (want > m.mapLen) throw new CorruptError(m.path, `file would outgrow its mapping (${want} bytes)`);
  if (actual < want) {
    extend(m.fd, m.path, Math.min(m.reserved, actual), want);
    m.reserved = Math.max(m.reserved, want);
    actual = fstatSync(m.fd).size;
    if (actual < want) throw new CorruptError(m.path, `file did not grow to ${want} bytes`);
  }
  if (limit > actual) throw new CorruptError(m.path, `allocation limit ${limit} is past the end of the file (${actual} bytes): truncated?`);
  const size = Math.min(actual, m.mapLen);
  reserveTo(m, size);
  m.size = size;
  m.wantEnd = 0;
}

/**
 * Closes and deletes a file this process made and no counter has a view of yet (the engine's
 * purge check). Where a mapped file cannot be deleted (Windows) its views are unmapped first.
 */
export function discardCountMap(m: CountMap): void {
  if (m.fd >= 0) m.backend?.release?.(m.fd);
  closeCountMap(m);
  unlinkQuietly(m.path);
}

export function closeCountMap(m: CountMap): void {
  if (m.fd >= 0) {
    try {
      closeSync(m.fd);
    } catch {
      // Already closed; nothing else refers to the descriptor.
    }
    m.fd = -1;
  }
}
