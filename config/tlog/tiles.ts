// c2sp.org/tlog-tiles: the Merkle tree of a log as static "tiles" of 256 hashes (height 8), their
// paths and which tiles make up a tree of a given size (pure). tile-reader.ts proves from tiles.
import { HASH_SIZE, hashChildren, rangeRoot } from './merkle.js';
import { CodedError } from './error.js';

export const TILE_WIDTH = 256; // c2sp.org/tlog-tiles §"Merkle Tree": full tiles are 256 hashes
/** A bundle holds uint16 length-prefixed entries (§"Log entries"), so no entry is over 65,535 bytes. */
export const MAX_ENTRY_BYTES = 0xffff;

// EPATH level/index/width or path outside the spec; ERANGE index or size outside the tree; EMISSING
// a file the tree needs is not there; ETILESIZE a tile not exactly width × 32 bytes; ETILEHASH a
// tile not hashing to its parent's entry or the root; EBUNDLE a bundle truncated, too long or with
// the wrong count; EENTRY an entry not hashing to its tile's hash; ECHECKPOINT a checkpoint that
// does not verify; ETOOBIG an entry over MAX_ENTRY_BYTES; ESYMLINK a log file that is a symbolic
// link (a local log is read through regular files only).
export type TileErrorCode =
  | 'EPATH'
  | 'ERANGE'
  | 'EMISSING'
  | 'ETILESIZE'
  | 'ETILEHASH'
  | 'EBUNDLE'
  | 'EENTRY'
  | 'ECHECKPOINT'
  | 'ETOOBIG'
  | 'ESYMLINK';

export class TileError extends CodedError<TileErrorCode> {
  override name = 'TileError';
}

/** width is 1..256; 256 is a full tile, anything less a partial one. */
export interface Tile {
  level: number;
  index: number;
  width: number;
}

export type ReadFn = (path: string) => Uint8Array;

const pow = (level: number): number => TILE_WIDTH ** level; // exact: a power of two

/** `<N>` of §"Merkle Tree": zero-padded 3-digit path elements, all but the last prefixed with x. */
export function encodeIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new TileError('EPATH', `tile index ${index} is not an integer in 0..2^53-1`);
  const digits = String(index).padStart(Math.ceil(String(index).length / 3) * 3, '0');
  const groups = digits.match(/.{3}/g)!;
  return groups.map((group, i) => (i < groups.length - 1 ? 'x' + group : group)).join('/');
}

function checkTile(tile: Tile): void {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > 63)
    throw new TileError('EPATH', `tile level ${tile.level} is not 0..63`);
  if (!Number.isInteger(tile.width) || tile.width < 1 || tile.width > TILE_WIDTH)
    throw new TileError('EPATH', `tile width ${tile.width} is not 1..256`);
}

const suffix = (tile: Tile): string =>
  encodeIndex(tile.index) + (tile.width < TILE_WIDTH ? `.p/${tile.width}` : '');

/** `tile/<L>/<N>[.p/<W>]` (§"Merkle Tree"). */
export function tilePath(tile: Tile): string {
  checkTile(tile);
  return `tile/${tile.level}/${suffix(tile)}`;
}

/** `tile/entries/<N>[.p/<W>]` (§"Log entries"): the entries under level-0 tile (index, width). */
export function bundlePath(tile: { index: number; width: number }): string {
  checkTile({ level: 0, ...tile });
  return `tile/entries/${suffix({ level: 0, ...tile })}`;
}

/** The paths a log directory may hold: the checkpoint, tiles and bundles (for readers of untrusted names). */
export const LOG_PATH =
  /^(checkpoint|tile\/(entries|[1-9]?[0-9])\/(x[0-9]{3}\/)*[0-9]{3}(\.p\/([1-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))?)$/;

/** The tile at `level` holding position `index` in a tree of `size`, with its width in that tree. */
export function tileAt(level: number, index: number, size: number): Tile {
  const count = Math.floor(size / pow(level)); // level-8L subtree hashes in the tree
  const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
  if (width < 1)
    throw new TileError('ERANGE', `tile ${level}/${index} is not in a tree of size ${size}`);
  return { level, index, width };
}

/**
 * The tiles that make up a tree of `size` leaves and that a tree of `oldSize` lacks (all of them
 * when oldSize is 0), lowest level first: §"Partial Tiles" gives level l a partial tile of
 * floor(size / 256^l) mod 256 hashes; empty tiles are never served. Go's tlog.NewTiles.
 */
export function tilesForSize(size: number, oldSize = 0): Tile[] {
  if (![size, oldSize].every((size) => Number.isSafeInteger(size) && size >= 0))
    throw new TileError('ERANGE', `tree sizes ${oldSize}, ${size} are not integers in 0..2^53-1`);
  if (oldSize > size)
    throw new TileError('ERANGE', `old tree size ${oldSize} is above tree size ${size}`);
  const tiles: Tile[] = [];
  for (let level = 0; Math.floor(size / pow(level)) > 0; level++) {
    const [oldN, newN] = [Math.floor(oldSize / pow(level)), Math.floor(size / pow(level))];
    if (oldN === newN) continue;
    for (let n = Math.floor(oldN / TILE_WIDTH); n * TILE_WIDTH < newN; n++)
      tiles.push(tileAt(level, n, size));
  }
  return tiles;
}

/** The bytes of a tile: hashes of the level-8L subtrees index·256 .. index·256+width-1, from all leaf hashes. */
export function tileData(
  level: number,
  index: number,
  width: number,
  leafHashes: readonly Uint8Array[],
): Uint8Array {
  checkTile({ level, index, width });
  const span = pow(level);
  const first = index * TILE_WIDTH;
  if ((first + width) * span > leafHashes.length)
    throw new TileError(
      'ERANGE',
      `tile ${level}/${index} of width ${width} needs more than ${leafHashes.length} leaves`,
    );
  const out = new Uint8Array(width * HASH_SIZE);
  for (let i = 0; i < width; i++)
    out.set(rangeRoot(leafHashes, (first + i) * span, (first + i + 1) * span), i * HASH_SIZE);
  return out;
}

/** Splits a tile's bytes into its hashes, refusing any length but exactly width × 32. */
export function splitTile(path: string, data: Uint8Array, width: number): Uint8Array[] {
  const want = width * HASH_SIZE;
  if (!(data instanceof Uint8Array) || data.length !== want)
    throw new TileError(
      'ETILESIZE',
      `tile ${path} is ${data?.length} bytes, want ${want} (${width} hashes)`,
    );
  return Array.from({ length: width }, (_, i) => data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}

/**
 * The root of a tree of `size` from its partial tiles (the right edge), highest level first: those
 * cover the leftmost leaves, and each width's binary digits are its perfect subtrees, left to right.
 */
export function edgeRoot(size: number, partial: (t: Tile) => readonly Uint8Array[]): Uint8Array {
  const subtrees: Uint8Array[] = [];
  for (const t of tilesForSize(size)
    .filter((tile) => tile.width < TILE_WIDTH)
    .reverse()) {
    const hashes = partial(t);
    for (let at = 0, bit = 128; bit >= 1; bit /= 2)
      if (t.width & bit) subtrees.push(rangeRoot(hashes, at, (at += bit)));
  }
  let root = subtrees.pop() ?? rangeRoot([], 0, 0);
  while (subtrees.length > 0) root = hashChildren(subtrees.pop()!, root);
  return root;
}
