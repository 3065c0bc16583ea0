// One count file, mapped shared and writable: open and check it, add to a value, grow the file,
// close it. Finding and allocating a name's record is in chain.ts. Every process on the machine
// runs the same steps on the same bytes; docs/count-file.md lists who may race with whom.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { MAX_U64, MIN_FILE_LEN, PAGE_SIZE, roundUp } from './format.js';
import {
  type CountMap,
  CorruptError,
  HeaderMismatchError,
  checkFile,
  mapLength,
  widen,
} from './mapped.js';
import { type Backend, openWin32 } from '../mmap/index.js';
import { extend, reserveRange, reserveTo, unlinkQuietly } from './room.js';

const OPEN_FLAGS =
  constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens (creating if needed) and maps a count file whose header must equal `header`, and
 * checks it by the reader's rules before counting into it (`checkFile`). Every byte it will
 * touch is reserved first (docs/count-file.md): a store into a hole on a full disk is SIGBUS.
 */
export function openCountMap(path: string, header: Uint8Array, backend: Backend): CountMap {
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
    const map: CountMap = {
      path,
      fd,
      region: backend.map(fd, mapLen),
      backend,
      mapLen,
      size,
      hdrLen: header.length,
      wantEnd: 0,
      reserved: size,
      created,
    };
    checkFile(map, header);
    // checkFile may have learnt a size that others grew to since: cover it before use.
    if (map.size > map.reserved) reserveTo(map, map.size);
    return map;
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
    if ((e as NodeJS.ErrnoException).code === 'ELOOP')
      throw new Error(`${path}: is a symbolic link; left as it is`);
    throw e;
  }
}

/** A short file is one being created if it holds exactly our header, then only zero bytes. */
function isBeingCreated(descriptor: number, size: number, header: Uint8Array): boolean {
  if (size < header.length) return false;
  const have = new Uint8Array(size);
  readSync(descriptor, have, 0, size, 0);
  return have.every((byte, i) => byte === (i < header.length ? header[i] : 0));
}

/** An unbacked file of `capacity` bytes, for building exact file images in memory. */
export function memoryCountMap(header: Uint8Array, capacity: number): CountMap {
  const buf = new ArrayBuffer(capacity);
  const region = {
    bytes: new Uint8Array(buf),
    u32: new Uint32Array(buf),
    u64: new BigUint64Array(buf),
  };
  region.bytes.set(header, 0);
  return {
    path: '<memory>',
    fd: -1,
    region,
    backend: null,
    mapLen: capacity,
    size: MIN_FILE_LEN,
    hdrLen: header.length,
    wantEnd: 0,
    reserved: capacity,
    created: true,
  };
}

/** Adds to a record's value, pinning it at 2^64−1 instead of wrapping. */
export function addAt(u64: BigUint64Array, index: number, amount: bigint): void {
  const old = Atomics.add(u64, index, amount);
  if ((old >= HALF || amount >= HALF) && old > MAX_U64 - amount) saturate(u64, index);
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
export function sync(map: CountMap): void {
  if (map.fd < 0) {
    map.size = Math.max(map.size, roundUp(map.wantEnd, PAGE_SIZE));
    map.wantEnd = 0;
    return;
  }
  const limit = Atomics.load(map.region.u32, map.hdrLen >>> 2); // read before the size: see checkNotTruncated in mapped.ts
  let actual = fstatSync(map.fd).size;
  const want = roundUp(map.wantEnd, PAGE_SIZE);
  widen(map, Math.max(want, actual));
  if (want > map.mapLen)
    throw new CorruptError(map.path, `file would outgrow its mapping (${want} bytes)`);
  if (actual < want) {
    extend(map.fd, map.path, Math.min(map.reserved, actual), want);
    map.reserved = Math.max(map.reserved, want);
    actual = fstatSync(map.fd).size;
    if (actual < want) throw new CorruptError(map.path, `file did not grow to ${want} bytes`);
  }
  if (limit > actual)
    throw new CorruptError(
      map.path,
      `allocation limit ${limit} is past the end of the file (${actual} bytes): truncated?`,
    );
  const size = Math.min(actual, map.mapLen);
  reserveTo(map, size);
  map.size = size;
  map.wantEnd = 0;
}

/**
 * Closes and deletes a file this process made and no counter has a view of yet (the engine's
 * purge check). Where a mapped file cannot be deleted (Windows) its views are unmapped first.
 */
export function discardCountMap(map: CountMap): void {
  if (map.fd >= 0) map.backend?.release?.(map.fd);
  closeCountMap(map);
  unlinkQuietly(map.path);
}

export function closeCountMap(map: CountMap): void {
  if (map.fd >= 0) {
    try {
      closeSync(map.fd);
    } catch {
      // Already closed; nothing else refers to the descriptor.
    }
    map.fd = -1;
  }
}
