// c2sp.org/tlog-tiles for clients: hashes and RFC 9162 proofs of a tree of a known size and root
// from its tiles alone. Every tile is checked against the checkpoint root before any hash in it is
// used, as Go's tlog.TileHashReader does: the partial tiles on the right edge must give the root,
// and a full tile must hash to its entry in the tile above.
import { hashChildren, hex, rangeRoot } from './merkle.js';
import {
  TILE_WIDTH,
  TileError,
  edgeRoot,
  splitTile,
  tileAt,
  tilePath,
  tilesForSize,
  type ReadFn,
  type Tile,
} from './tiles.js';

const pow = (level: number): number => TILE_WIDTH ** level; // exact: a power of two

/**
 * tile: the verified hashes of a tile of this tree (as tileAt gives it). rangeHash: MTH(D[lo:hi])
 * for a node [lo, hi) of the tree. inclusionProof: RFC 9162 §2.1.3.1 PATH(index, D[size]).
 * consistencyProof: §2.1.4.1 PROOF(oldSize, D[size]), 0 < oldSize <= size. All from tiles only.
 */
export interface TileHashReader {
  tile(level: number, index: number): Uint8Array[];
  rangeHash(lo: number, hi: number): Uint8Array;
  inclusionProof(index: number): Uint8Array[];
  consistencyProof(oldSize: number): Uint8Array[];
}

/** The largest power of two strictly below size (size >= 2), by doubling: Math.log2 rounds near 2^53. */
function split(size: number): number {
  let k = 1;
  while (k * 2 < size) k *= 2;
  return k;
}

/**
 * Reads the tiles of the tree with `size` and `root` (from a verified checkpoint) through `read`.
 * The partial tiles on the right edge together must give `root`; a full tile must hash to its
 * entry in the tile above. Tiles are read once, verified, and kept.
 */
export function hashReader(size: number, root: Uint8Array, read: ReadFn): TileHashReader {
  const cache = new Map<string, Uint8Array[]>();
  const fetch = (tile: Tile): Uint8Array[] => {
    const path = tilePath(tile);
    try {
      return splitTile(path, read(path), tile.width);
    } catch (e) {
      throw e instanceof TileError
        ? e
        : new TileError('EMISSING', `tile ${path} could not be read: ${(e as Error).message}`, {
            cause: e,
          });
    }
  };
  const edge = (): void => {
    const parts = tilesForSize(size).filter((tile) => tile.width < TILE_WIDTH);
    const loaded = new Map(parts.map((tile) => [tilePath(tile), fetch(tile)]));
    const got = edgeRoot(size, (tile) => loaded.get(tilePath(tile))!);
    if (Buffer.compare(got, root) !== 0) {
      throw new TileError(
        'ETILEHASH',
        `tiles ${parts.map(tilePath).join(', ')} hash to ${hex(got)}, not the checkpoint root ${hex(root)}`,
      );
    }
    for (const [path, hashes] of loaded) cache.set(path, hashes);
  };
  const tile = (level: number, index: number): Uint8Array[] => {
    const t = tileAt(level, index, size);
    const path = tilePath(t);
    const known = cache.get(path);
    if (known) return known;
    if (t.width < TILE_WIDTH) {
      edge();
      return cache.get(path)!;
    }
    const hashes = fetch(t);
    const want = tile(level + 1, Math.floor(index / TILE_WIDTH))[index % TILE_WIDTH]!;
    const got = rangeRoot(hashes, 0, TILE_WIDTH);
    if (Buffer.compare(got, want) !== 0) {
      throw new TileError(
        'ETILEHASH',
        `tile ${path} hashes to ${hex(got)}, but ${tilePath(tileAt(level + 1, Math.floor(index / TILE_WIDTH), size))} has ${hex(want)} for it`,
      );
    }
    cache.set(path, hashes);
    return hashes;
  };
  const rangeHash = (start: number, end: number): Uint8Array => {
    if (
      !(
        Number.isSafeInteger(start) &&
        Number.isSafeInteger(end) &&
        0 <= start &&
        start < end &&
        end <= size
      )
    )
      throw new TileError('ERANGE', `range ${start}..${end} is not in a tree of size ${size}`);
    const parts: Uint8Array[] = [];
    for (let at = start; at < end; ) {
      let h = 0; // the largest aligned perfect subtree starting at `at` that ends by `end`
      while (at % 2 ** (h + 1) === 0 && at + 2 ** (h + 1) <= end) h++;
      // A perfect subtree of height h = 8L + r is 2^r consecutive hashes in one tile of level L.
      const [level, first] = [Math.floor(h / 8), at / pow(Math.floor(h / 8))];
      const off = first % TILE_WIDTH;
      parts.push(rangeRoot(tile(level, Math.floor(first / TILE_WIDTH)), off, off + 2 ** (h % 8)));
      at += 2 ** h;
    }
    let r = parts.pop()!;
    while (parts.length > 0) r = hashChildren(parts.pop()!, r);
    return r;
  };
  const inclusionProof = (index: number): Uint8Array[] => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new TileError('ERANGE', `leaf index ${index} is not below tree size ${size}`);
    const top: Uint8Array[] = [];
    for (let [lo, hi] = [0, size]; hi - lo > 1; ) {
      const mid = lo + split(hi - lo);
      if (index < mid) [top[top.length], hi] = [rangeHash(mid, hi), mid];
      else [top[top.length], lo] = [rangeHash(lo, mid), mid];
    }
    return top.reverse();
  };
  const consistencyProof = (oldSize: number): Uint8Array[] => {
    if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > size)
      throw new TileError('ERANGE', `old tree size ${oldSize} is not in 1..${size}`);
    const top: Uint8Array[] = [];
    let [m, lo, hi, complete] = [oldSize, 0, size, true];
    while (m < hi - lo) {
      const k = split(hi - lo);
      if (m <= k) [top[top.length], hi] = [rangeHash(lo + k, hi), lo + k];
      else [top[top.length], m, lo, complete] = [rangeHash(lo, lo + k), m - k, lo + k, false];
    }
    if (!complete) top.push(rangeHash(lo, hi));
    return top.reverse();
  };
  return { tile, rangeHash, inclusionProof, consistencyProof };
}
