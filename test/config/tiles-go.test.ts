// config/tlog/tiles.ts side by side with Go's own golang.org/x/mod/sumdb/tlog (test/go/tlog, pinned in
// test/go/go.mod): tile paths, tile bytes, tree hashes and proofs equal Go's byte for byte, and
// Go's TileHashReader proves from the tile files config/log.ts writes. Go names tiles
// tile/8/<L>/<N> (with the height) and keeps records in tile/8/data/<N>; C2SP drops the height and
// puts entry bundles in tile/entries/<N>, a different format: only <N>[.p/<W>] is compared there.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendToLog } from '../../config/log.js';
import { generateKey } from '../../config/tlog/keys.js';
import { leafHash, rootFromLeafHashes } from '../../config/tlog/merkle.js';
import { consistencyProof, inclusionProof } from '../../config/tlog/proof.js';
import { bundlePath, tileData, tilePath, tilesForSize } from '../../config/tlog/tiles.js';
import { hashReader } from '../../config/tlog/tile-reader.js';
import { tempDir } from '../helpers.js';
import { goProgram, skipGo } from '../go-interop/go.js';

interface GoResult {
  roots: string[];
  tiles: Array<Array<{ path: string; data: string }>>;
  records: string[][];
  trees: string[][];
  paths: string[][];
  dirRecords: string[][] | null;
  dirTrees: string[][] | null;
  error?: string;
}

let bin = '';
beforeAll(() => {
  if (!skipGo) bin = goProgram('tlog');
});

function go(req: object): GoResult {
  const r = spawnSync(bin, {
    input: JSON.stringify(req),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`go tlog failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout) as GoResult;
  if (res.error) throw new Error(`go tlog: ${res.error}`);
  return res;
}

const N = 65536 + 3;
const SIZES = [0, 1, 2, 255, 256, 257, N];
const entries = Array.from({ length: N }, (_, i) => Buffer.from(`entry ${i}\n`));
const leaves = entries.map(leafHash);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const hexes = (hashes: Uint8Array[]) => hashes.map((hash) => Buffer.from(hash).toString('hex'));
const RECORDS = SIZES.filter((size) => size > 0).flatMap((size) =>
  [...new Set([0, size - 1, Math.floor(size / 2), Math.min(size - 1, 256)])].map(
    (record) => [size, record] as [number, number],
  ),
);
const TREES = SIZES.filter((size) => size > 0).flatMap((size) =>
  [...new Set([1, size, Math.max(1, size - 1), Math.ceil(size / 3), Math.min(size, 256)])].map(
    (oldSize) => [size, oldSize] as [number, number],
  ),
);

const made = new Map<number, (path: string) => Uint8Array>();
/** A read function over the tiles of the first `size` leaves, computed with tileData. */
function memoryTiles(size: number): (path: string) => Uint8Array {
  if (made.has(size)) return made.get(size)!;
  const files = new Map(
    tilesForSize(size).map((tile) => [
      tilePath(tile),
      tileData(tile.level, tile.index, tile.width, leaves.slice(0, size)),
    ]),
  );
  made.set(size, (path) => {
    const d = files.get(path);
    if (!d) throw new Error(`no ${path}`);
    return d;
  });
  return made.get(size)!;
}

describe.skipIf(skipGo)("Go's golang.org/x/mod/sumdb/tlog and config/tlog/tiles.ts", () => {
  let got: GoResult;
  beforeAll(() => {
    got = go({
      entries: entries.map(b64),
      sizes: SIZES,
      records: RECORDS,
      trees: TREES,
      indexes: [0, 999, 1000, 1234067],
    });
  });

  it('tile and bundle paths: N in 3-digit groups with x prefixes, .p/W for partial tiles', () => {
    const cases = [0, 999, 1000, 1234067];
    cases.forEach((testCase, i) => {
      const [full, part, dataFull, dataPart] = got.paths[i]!;
      expect(tilePath({ level: 0, index: testCase, width: 256 })).toBe(
        full!.replace('tile/8/', 'tile/'),
      );
      expect(tilePath({ level: 0, index: testCase, width: 7 })).toBe(
        part!.replace('tile/8/', 'tile/'),
      );
      expect(bundlePath({ index: testCase, width: 256 })).toBe(
        dataFull!.replace('tile/8/data/', 'tile/entries/'),
      );
      expect(bundlePath({ index: testCase, width: 7 })).toBe(
        dataPart!.replace('tile/8/data/', 'tile/entries/'),
      );
    });
    expect(tilePath({ level: 2, index: 1234067, width: 12 })).toBe('tile/2/x001/x234/067.p/12');
  });

  it('tiles for sizes 0, 1, 2, 255, 256, 257 and 65539: the same paths and bytes; the same tree hashes', () => {
    SIZES.forEach((size, i) => {
      expect(b64(rootFromLeafHashes(leaves.slice(0, size)))).toBe(got.roots[i]);
      const ours = tilesForSize(size).map((tile) => ({
        path: tilePath(tile),
        data: b64(tileData(tile.level, tile.index, tile.width, leaves.slice(0, size))),
      }));
      expect(ours).toEqual(
        got.tiles[i]!.map((tile) => ({
          path: tile.path.replace('tile/8/', 'tile/'),
          data: tile.data,
        })),
      );
    });
    expect(tilesForSize(256).map(tilePath)).toEqual(['tile/0/000', 'tile/1/000.p/1']); // the spec's own example
    expect(tilesForSize(70000).map(tilePath).slice(-4)).toEqual([
      'tile/0/273.p/112',
      'tile/1/000',
      'tile/1/001.p/17',
      'tile/2/000.p/1',
    ]);
  });

  it("inclusion and consistency proofs from tiles alone equal Go's ProveRecord and ProveTree, and proof.ts's", () => {
    RECORDS.forEach(([treeSize, record], i) => {
      const hr = hashReader(
        treeSize,
        rootFromLeafHashes(leaves.slice(0, treeSize)),
        memoryTiles(treeSize),
      );
      expect(hexes(hr.inclusionProof(record))).toEqual(got.records[i]);
      if (treeSize < N)
        expect(hexes(inclusionProof(record, leaves.slice(0, treeSize)))).toEqual(got.records[i]);
    });
    TREES.forEach(([treeSize, oldSize], i) => {
      const hr = hashReader(
        treeSize,
        rootFromLeafHashes(leaves.slice(0, treeSize)),
        memoryTiles(treeSize),
      );
      expect(hexes(hr.consistencyProof(oldSize))).toEqual(got.trees[i]);
      if (treeSize < N)
        expect(hexes(consistencyProof(oldSize, treeSize, leaves))).toEqual(got.trees[i]);
    });
  });

  it("Go's TileHashReader proves from the tile files appendToLog writes, as ours does", () => {
    const dir = tempDir('tt-tlog-');
    const { signer } = generateKey('log.example/test');
    appendToLog(dir, entries.slice(0, 300), signer, 'log.example/test');
    const cp = appendToLog(dir, entries.slice(300), signer, 'log.example/test');
    expect(b64(cp.root)).toBe(got.roots[SIZES.length - 1]);
    const r = go({
      sizes: [],
      records: RECORDS.filter(([treeSize]) => treeSize === N),
      trees: TREES.filter(([treeSize]) => treeSize === N),
      dir,
      dirSize: N,
      dirRoot: b64(cp.root),
    });
    expect(r.dirRecords).toEqual(got.records.filter((_, i) => RECORDS[i]![0] === N));
    expect(r.dirTrees).toEqual(got.trees.filter((_, i) => TREES[i]![0] === N));
  });
});
