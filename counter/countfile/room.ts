// Room for a count file: its blocks are reserved before any process can reach them through a
// mapping, because a store into a hole on a full disk raises SIGBUS and kills the host
// (docs/count-file.md). Used by `openCountMap` and `sync` only.
import { fstatSync, unlinkSync, writeSync } from 'node:fs';
import { RESERVES, reserve } from '../mmap/index.js';

/** Reserves bytes [from, end) of the file open as `descriptor`; the error names the file. */
export function reserveRange(descriptor: number, path: string, from: number, end: number): void {
  try {
    reserve(descriptor, from, end - from);
  } catch (error) {
    throw new Error(
      `${path}: cannot reserve bytes ${from} to ${end}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Covers a process's view of the file up to `end` with blocks (nothing to do when it already is). */
export function reserveTo(map: { fd: number; path: string; reserved: number }, end: number): void {
  if (end <= map.reserved) return;
  reserveRange(map.fd, map.path, map.reserved, end);
  map.reserved = end;
}

/**
 * Makes the file at least `end` bytes long. On Linux `reserve` does it: fallocate allocates
 * the blocks, then moves the size. Where nothing is reserved (other platforms, docs/count-file.md)
 * the file grows sparse as it always did: 4 zero bytes at `end - 4`, in the tail of a page,
 * which never holds record data.
 */
export function extend(descriptor: number, path: string, from: number, end: number): void {
  reserveRange(descriptor, path, from, end);
  if (!RESERVES && fstatSync(descriptor).size < end)
    writeSync(descriptor, new Uint8Array(4), 0, 4, end - 4);
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already: a concurrent creator removed it too.
  }
}
