// A c2sp.org/tlog-tiles log kept in a directory: `checkpoint`, `tile/<L>/<N>[.p/<W>]` and
// `tile/entries/<N>[.p/<W>]`. One writer at a time (callers serialize appends). Every file is
// written to a temporary name, synced and renamed, and the checkpoint goes last, so a reader
// only ever sees a checkpoint whose tiles and bundles are all complete on disk.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './tlog/index.js';
import { formatVerifier, parseSigner } from './tlog/index.js';
import { HASH_SIZE, leafHash, rangeRoot } from './tlog/index.js';
import { MAX_NOTE_BYTES, signNote, verifyNote } from './tlog/index.js';
import {
  LOG_PATH,
  MAX_ENTRY_BYTES,
  TILE_WIDTH,
  TileError,
  bundlePath,
  edgeRoot,
  tilePath,
  tilesForSize,
  type ReadFn,
  type Tile,
} from './tlog/index.js';
import { hashReader, type TileHashReader } from './tlog/index.js';
import { isUnreadable, makeDir, readBytes } from '../safeio/index.js';

/** The largest file each kind of path may be: a note, a full tile, a full bundle of largest entries. */
function capFor(path: string): number {
  if (path === 'checkpoint') return MAX_NOTE_BYTES;
  return path.startsWith('tile/entries/')
    ? TILE_WIDTH * (2 + MAX_ENTRY_BYTES)
    : TILE_WIDTH * HASH_SIZE;
}

/**
 * Why a log file may not be read, when it is a symbolic link: one rule for every reader of a
 * log directory (publish, verify-log, show, serve's start check), the one the collector's static
 * files already follow (opened with O_NOFOLLOW), so no check passes a log clients cannot fetch.
 */
export function symlinkRefusal(file: string): string | null {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (!st?.isSymbolicLink()) return null;
  return (
    'is a symbolic link: the collector serves no symbolic links ' +
    '(clients would fail to fetch it); put the file itself there'
  );
}

/**
 * Reads log paths under `dir`; refuses names outside the spec's grammar, symbolic links
 * (symlinkRefusal), anything but a regular file (a FIFO must not hang a monitor) and files over
 * their cap (safeio's rules).
 */
export function dirReader(dir: string): ReadFn {
  return (path) => {
    if (!LOG_PATH.test(path))
      throw new TileError('EPATH', `${JSON.stringify(path)} is not a log path`);
    const link = symlinkRefusal(join(dir, path));
    if (link) throw new TileError('ESYMLINK', `${path} ${link}`);
    const r = readBytes(join(dir, path), capFor(path));
    if (!isUnreadable(r)) return r;
    if (r.reason.startsWith('is too large'))
      throw new TileError('ETILESIZE', `${path} ${r.reason}, over what a log file may be`);
    const cause = Object.assign(new Error(r.reason), { code: r.absent ? 'ENOENT' : 'EIO' });
    throw new TileError('EMISSING', `${path} could not be read: ${r.reason}`, { cause });
  };
}

/** The entries of a bundle (§"Log entries": big-endian uint16 length, then the bytes), exactly `width` of them. */
export function parseBundle(path: string, data: Uint8Array, width: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length && out.length < width) {
    if (at + 2 > data.length)
      throw new TileError(
        'EBUNDLE',
        `bundle ${path} is truncated in the length of entry ${out.length}`,
      );
    const len = (data[at]! << 8) | data[at + 1]!;
    if (at + 2 + len > data.length)
      throw new TileError(
        'EBUNDLE',
        `bundle ${path} is truncated in entry ${out.length} (${len} bytes)`,
      );
    out.push(data.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (out.length < width)
    throw new TileError('EBUNDLE', `bundle ${path} holds ${out.length} entries, want ${width}`);
  if (at !== data.length)
    throw new TileError(
      'EBUNDLE',
      `bundle ${path} has ${data.length - at} bytes after its ${width} entries`,
    );
  return out;
}

function bundleBytes(entries: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(entries.reduce((total, entry) => total + 2 + entry.length, 0));
  let at = 0;
  for (const e of entries) {
    out.set([e.length >> 8, e.length & 0xff], at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

export interface LogView {
  checkpoint: Checkpoint;
  /** Verified tiles and proofs for the checkpoint's tree. */
  hashes: TileHashReader;
  read: ReadFn;
  /** One entry, checked against its level-0 tile; reads only its bundle and the tiles above it. */
  entry(index: number): Uint8Array;
}

function bundleOf(view: { hashes: TileHashReader; read: ReadFn }, tile: Tile): Uint8Array[] {
  const path = bundlePath(tile);
  const entries = parseBundle(path, view.read(path), tile.width);
  const hashes = view.hashes.tile(0, tile.index);
  entries.forEach((entry, i) => {
    if (Buffer.compare(leafHash(entry), hashes[i]!) !== 0)
      throw new TileError(
        'EENTRY',
        `bundle ${path}: entry ${tile.index * TILE_WIDTH + i} does not hash to its hash in ${tilePath(tile)}`,
      );
  });
  return entries;
}

/** Opens a log (a directory or a read function) at its checkpoint, signed by `verifierKey`. */
export function readLog(source: string | ReadFn, verifierKey: string): LogView {
  const read = typeof source === 'string' ? dirReader(source) : source;
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(verifyNote(read('checkpoint'), [verifierKey]).text);
  } catch (e) {
    if (e instanceof TileError) throw e;
    const code = (e as { code?: string }).code ?? 'EUNKNOWN';
    throw new TileError(
      'ECHECKPOINT',
      `checkpoint does not verify (${code}): ${(e as Error).message}`,
      { cause: e },
    );
  }
  const hashes = hashReader(checkpoint.size, checkpoint.root, read);
  const entry = (index: number): Uint8Array => {
    hashes.inclusionProof(index); // checks the range; the tile path above the entry is verified on the way
    const n = Math.floor(index / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, checkpoint.size - n * TILE_WIDTH);
    return bundleOf({ hashes, read }, { level: 0, index: n, width })[index % TILE_WIDTH]!;
  };
  return { checkpoint, hashes, read, entry };
}

/** A monitor's full check: signature, every tile and bundle against the root, entry count = size. */
export function verifyLog(
  read: ReadFn,
  verifierKey: string,
): { size: number; root: Uint8Array; entries: Uint8Array[] } {
  const view = readLog(read, verifierKey);
  const entries: Uint8Array[] = [];
  for (const t of tilesForSize(view.checkpoint.size)) {
    view.hashes.tile(t.level, t.index);
    if (t.level === 0) for (const e of bundleOf(view, t)) entries.push(e);
  }
  if (entries.length !== view.checkpoint.size)
    throw new TileError(
      'EBUNDLE',
      `log has ${entries.length} entries, checkpoint says ${view.checkpoint.size}`,
    );
  return { size: view.checkpoint.size, root: view.checkpoint.root, entries };
}

export type WriteFn = (path: string, data: Uint8Array) => void;

/** Writes `dir/path` under a temporary name, syncs it, then renames it into place. */
export function atomicWriter(dir: string): WriteFn {
  return (path, data) => {
    const full = join(dir, path);
    makeDir(dirname(full));
    const tmp = join(
      dirname(full),
      `.${basename(full)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
    );
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, full);
  };
}

/**
 * Appends `entries` to the log in `dir` (created when it has no checkpoint yet) and returns the new
 * checkpoint. Only tiles and bundles the old tree lacks are written (their paths are new: a tile's
 * width is in its path), then the signed checkpoint. `write` is for tests that inject failures.
 */
export function appendToLog(
  dir: string,
  entries: Uint8Array[],
  signerKey: string,
  origin: string,
  write: WriteFn = atomicWriter(dir),
): Checkpoint {
  const signer = parseSigner(signerKey);
  const verifier = formatVerifier(signer);
  entries.forEach((entry, i) => {
    if (!(entry instanceof Uint8Array))
      throw new TileError('ETOOBIG', `entry ${i} is not a byte array`);
    if (entry.length > MAX_ENTRY_BYTES)
      throw new TileError(
        'ETOOBIG',
        `entry ${i} is ${entry.length} bytes, over the ${MAX_ENTRY_BYTES} a bundle can hold`,
      );
  });
  const read = dirReader(dir);
  let exists = true;
  try {
    read('checkpoint');
  } catch (e) {
    if (
      !(
        e instanceof TileError &&
        e.code === 'EMISSING' &&
        (e.cause as { code?: string })?.code === 'ENOENT'
      )
    )
      throw e;
    exists = false; // a new log; anything else unreadable stops the append
  }
  const old = exists ? readLog(read, verifier) : undefined;
  if (old && old.checkpoint.origin !== origin)
    throw new TileError(
      'ECHECKPOINT',
      `log origin is ${JSON.stringify(old.checkpoint.origin)}, not ${JSON.stringify(origin)}`,
    );
  const oldSize = old?.checkpoint.size ?? 0;
  const size = oldSize + entries.length;
  if (!Number.isSafeInteger(size))
    throw new TileError('ETOOBIG', `log size ${size} is above 2^53-1`);
  // Per level: the hashes from the start of the old tree's last tile on, then the new ones.
  const levels: { start: number; hashes: Uint8Array[] }[] = [];
  for (let l = 0, count = oldSize; l < 8; l++, count = Math.floor(count / TILE_WIDTH)) {
    const n = Math.floor(count / TILE_WIDTH);
    levels.push({
      start: n * TILE_WIDTH,
      hashes: count % TILE_WIDTH && old ? [...old.hashes.tile(l, n)] : [],
    });
  }
  const add = (levelIndex: number, hash: Uint8Array): void => {
    const level = levels[levelIndex]!;
    level.hashes.push(hash);
    const len = level.hashes.length;
    if ((level.start + len) % TILE_WIDTH === 0)
      add(levelIndex + 1, rangeRoot(level.hashes, len - TILE_WIDTH, len));
  };
  const tail =
    oldSize % TILE_WIDTH && old
      ? bundleOf(old, {
          level: 0,
          index: levels[0]!.start / TILE_WIDTH,
          width: oldSize % TILE_WIDTH,
        })
      : [];
  const all = [...tail, ...entries];
  for (const e of entries) add(0, leafHash(e));
  const slice = (tile: Tile): Uint8Array[] =>
    levels[tile.level]!.hashes.slice(
      tile.index * TILE_WIDTH - levels[tile.level]!.start,
      tile.index * TILE_WIDTH - levels[tile.level]!.start + tile.width,
    );
  for (const t of tilesForSize(size, oldSize)) {
    if (t.level === 0)
      write(
        bundlePath(t),
        bundleBytes(
          all.slice(
            t.index * TILE_WIDTH - levels[0]!.start,
            t.index * TILE_WIDTH - levels[0]!.start + t.width,
          ),
        ),
      );
    write(tilePath(t), Buffer.concat(slice(t)));
  }
  const checkpoint: Checkpoint = { origin, size, root: edgeRoot(size, slice), extensions: [] };
  write(
    'checkpoint',
    new TextEncoder().encode(signNote(formatCheckpoint(checkpoint), [signerKey])),
  );
  return checkpoint;
}
