// A mapped count file: what a process knows of it, how its mapping widens, and the check
// made before counting into it (the reader's rules, walk.ts, plus the allocation limit).
import { fstatSync } from 'node:fs';
import { PAGE_SIZE, firstRecordOffset, littleEndian, roundUp } from './format.js';
import { walkLinked } from './walk.js';
import type { Backend, Region } from '../mmap/index.js';

/**
 * Address space mapped beyond the file's end, so that growth rarely needs a new mapping. Not
 * more: V8 counts a mapping as external memory, and 64 MiB made it run a full GC (~4 ms) in
 * every process. 4 MiB holds some 100,000 more counters.
 */
export const MAP_RESERVE = 4 << 20;
const WINDOWS = process.platform === 'win32';
/** mmap-io takes the length as a C int. */
const MAX_MAP = 0x7fff0000;

export interface CountMap {
  path: string;
  /** -1 for an in-memory file (golden-file builder). */
  fd: number;
  /** Replaced by a larger mapping when the file outgrows it; views of older ones stay valid. */
  region: Region;
  /** Null for an in-memory file. */
  backend: Backend | null;
  mapLen: number;
  /** Known file size: bytes at or past it are never touched, since that would raise SIGBUS. */
  size: number;
  hdrLen: number;
  /** Set by `allocate` when it needs the file to reach this offset. */
  wantEnd: number;
  /** Bytes [0, reserved) have blocks behind them (`reserve`): `size` never exceeds it. */
  reserved: number;
  /** This process found the file empty or absent, so it made it (see the engine's purge check). */
  created: boolean;
  /** This process's index of the names linked in the file, made on first lookup (chain.ts). */
  index?: NameIndex;
}

/**
 * Every linked record this process has walked past, by name: per bucket, the head the index
 * has seen (everything from it to the chain's end is in `offsets`). Records, once linked, never
 * move or change, so the index only grows; a new file (rotation) starts a new one.
 */
export interface NameIndex {
  heads: Uint32Array;
  offsets: Map<string, number>;
}

export class CorruptError extends Error {
  constructor(path: string, why: string) {
    super(`${path}: corrupt counter file: ${why}`);
    this.name = 'CorruptError';
  }
}

export class HeaderMismatchError extends Error {
  constructor(path: string) {
    super(`${path}: header mismatch (the file was written with other metadata)`);
    this.name = 'HeaderMismatchError';
  }
}

export function mapLength(size: number, path: string): number {
  // Windows grows a file to the size of any mapping of it: map exactly what is there.
  const len = WINDOWS ? size : roundUp(size, PAGE_SIZE) + MAP_RESERVE;
  if (len > MAX_MAP) throw new CorruptError(path, `file too large to map (${size} bytes)`);
  return len;
}

/**
 * Maps the file again, larger. The old mapping is left alone: counters placed in it keep
 * writing through it, and both views show the same shared pages.
 */
export function widen(map: CountMap, size: number): void {
  if (size <= map.mapLen || map.backend === null) return;
  const len = mapLength(size, map.path);
  map.region = map.backend.map(map.fd, len);
  map.mapLen = len;
}

/**
 * Before counting into a file, checks it as a reader would (walk.ts), and that no linked
 * record lies past the allocation limit (else new names would be allocated on top of it):
 * a file that fails is never written, and the process counts in memory. The walk visits
 * linked records only. Other processes may link records meanwhile: chains only grow at their
 * heads and a linked record never changes, so the walk sees a consistent file; the limit is
 * read after it, since it only grows.
 */
export function checkFile(map: CountMap, header: Uint8Array): void {
  const bytes = map.region.bytes;
  for (let i = 0; i < header.length; i++)
    if (bytes[i] !== header[i]) throw new HeaderMismatchError(map.path);
  const limitIdx = map.hdrLen >>> 2;
  const limit = Atomics.load(map.region.u32, limitIdx);
  if (limit !== 0 && limit < firstRecordOffset(map.hdrLen))
    throw new CorruptError(map.path, `allocation limit ${limit} is inside the header`);
  if (limit > map.size) checkNotTruncated(map, limit);
  const fail = (why: string) => new CorruptError(map.path, why);
  // A record past the size we read: another process may have grown the file and linked it since.
  const refresh = () => {
    const size = fstatSync(map.fd).size;
    widen(map, size);
    map.size = Math.min(size, map.mapLen);
    return { bytes: map.region.bytes, size: map.size };
  };
  const end = walkLinked(bytes, map.size, map.hdrLen, littleEndian(), fail, undefined, refresh);
  const after = Atomics.load(map.region.u32, limitIdx);
  if (end > after)
    throw new CorruptError(
      map.path,
      `a linked record ends at ${end}, past the allocation limit ${after}`,
    );
}

/**
 * A limit past the size we saw is normal when another process grew the file after our fstat.
 * Writers grow the file before claiming space, so a size read *after* the limit can be
 * smaller than the limit only if the file was truncated.
 */
export function checkNotTruncated(map: CountMap, limit: number): void {
  const size = fstatSync(map.fd).size;
  if (limit > size)
    throw new CorruptError(
      map.path,
      `allocation limit ${limit} is past the end of the file (${size} bytes): truncated?`,
    );
  widen(map, size);
  map.size = Math.min(size, map.mapLen);
}
