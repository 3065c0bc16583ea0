// config/tlog/tiles.ts and config/tlog/tile-reader.ts without Go: path encoding, the spec's tile examples,
// and a reader that refuses tampered tiles, naming them, before using any hash in them.
import { describe, expect, it } from 'vitest';
import { leafHash, rootFromLeafHashes } from '../../config/tlog/merkle.js';
import { hashReader } from '../../config/tlog/tile-reader.js';
import {
  TileError,
  encodeIndex,
  tileData,
  tilePath,
  tilesForSize,
} from '../../config/tlog/tiles.js';

const leaves = Array.from({ length: 70000 }, (_, i) => leafHash(Buffer.from(String(i))));

function files(size: number): Map<string, Uint8Array> {
  return new Map(
    tilesForSize(size).map((tile) => [
      tilePath(tile),
      tileData(tile.level, tile.index, tile.width, leaves.slice(0, size)),
    ]),
  );
}

const code = (attempt: () => unknown) => {
  try {
    attempt();
  } catch (error) {
    return error instanceof TileError ? `${error.code} ${error.message}` : String(error);
  }
  return 'ok';
};

describe('tile paths and math', () => {
  it('encodes N in 3-digit groups, x before all but the last', () => {
    expect([0, 999, 1000, 1234067].map(encodeIndex)).toEqual([
      '000',
      '999',
      'x001/000',
      'x001/x234/067',
    ]);
    expect(code(() => encodeIndex(-1))).toMatch(/^EPATH/);
    expect(code(() => tilePath({ level: 0, index: 0, width: 0 }))).toMatch(/^EPATH/);
  });

  it("has the spec's size-70,000 example: 273 full level-0 tiles, partials of 112, 17 and 1", () => {
    const ts = tilesForSize(70000);
    expect(ts.filter((tile) => tile.level === 0 && tile.width === 256)).toHaveLength(273);
    expect(ts.filter((tile) => tile.width < 256).map(tilePath)).toEqual([
      'tile/0/273.p/112',
      'tile/1/001.p/17',
      'tile/2/000.p/1',
    ]);
    expect(tilesForSize(70000, 69999).map(tilePath)).toEqual(['tile/0/273.p/112']);
    expect(tilesForSize(0)).toEqual([]);
  });
});

describe('hashReader', () => {
  const size = 70000;
  const root = rootFromLeafHashes(leaves.slice(0, size));

  it('refuses a changed full tile naming it and its parent, and a changed edge tile naming the edge', () => {
    const f = files(size);
    f.get('tile/0/010')![40]! ^= 1;
    const hr = hashReader(size, root, (path) => f.get(path)!);
    expect(code(() => hr.inclusionProof(2600))).toMatch(
      /^ETILEHASH tile tile\/0\/010 hashes to .* but tile\/1\/000 has/,
    );
    expect(() => hr.inclusionProof(69999)).not.toThrow(); // tiles away from the change still serve
    const g = files(size);
    g.get('tile/1/001.p/17')![0]! ^= 1;
    expect(code(() => hashReader(size, root, (path) => g.get(path)!).inclusionProof(0))).toMatch(
      /^ETILEHASH tiles tile\/0\/273.p\/112, tile\/1\/001.p\/17, tile\/2\/000.p\/1 hash to/,
    );
  });

  it('refuses a short tile, a missing tile and indexes outside the tree', () => {
    const f = files(size);
    f.set('tile/0/000', f.get('tile/0/000')!.subarray(32));
    const hr = hashReader(size, root, (path) => {
      const d = f.get(path);
      if (!d) throw new Error('not found');
      return d;
    });
    expect(code(() => hr.inclusionProof(0))).toMatch(
      /^ETILESIZE tile tile\/0\/000 is 8160 bytes, want 8192/,
    );
    f.delete('tile/0/001');
    expect(code(() => hr.inclusionProof(300))).toMatch(
      /^EMISSING tile tile\/0\/001 could not be read/,
    );
    expect(code(() => hr.inclusionProof(size))).toMatch(/^ERANGE/);
    expect(code(() => hr.consistencyProof(0))).toMatch(/^ERANGE/);
  });
});
