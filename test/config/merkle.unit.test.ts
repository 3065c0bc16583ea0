// RFC 9162 §2.1 hashing, roots and proofs (config/tlog/merkle.ts, config/tlog/proof.ts): the reference test
// tree, its proofs against the reference vectors, bounds on indexes and sizes, and a 10,000-leaf
// tree. Random trees and tampered proofs: merkle-random.unit.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyRoot, leafHash, nodeHash, rootFromLeafHashes } from '../../config/tlog/merkle.js';
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../config/tlog/proof.js';
import { ROOT } from '../helpers.js';
import { ROOTS, LEAVES, codeOf, hex, subLen, randomLeaves, rng } from './merkle-helpers.js';

describe('hashing and roots (§2.1.1)', () => {
  it('leaf and node hashes use the 0x00 and 0x01 prefixes', () => {
    expect(hex(leafHash(new Uint8Array(0)))).toBe(ROOTS[1]);
    expect(hex(nodeHash(leafHash(LEAVES[0]!), leafHash(LEAVES[1]!)))).toBe(ROOTS[2]);
    expect(hex(emptyRoot())).toBe(ROOTS[0]);
  });

  it('nodeHash refuses children that are not 32 bytes', () => {
    const h = leafHash(LEAVES[0]!);
    expect(codeOf(() => nodeHash(h, h.subarray(1)))).toBe('EHASHLEN');
    expect(codeOf(() => nodeHash(new Uint8Array(33), h))).toBe('EHASHLEN');
    expect(codeOf(() => nodeHash([...h] as unknown as Uint8Array, h))).toBe('EHASHLEN');
  });

  it('rootFromLeafHashes gives the reference root of every prefix of 0..8 leaves', () => {
    const hashes = LEAVES.map(leafHash);
    for (let n = 0; n <= 8; n++)
      expect(hex(rootFromLeafHashes(hashes.slice(0, n))), `size ${n}`).toBe(ROOTS[n]);
  });

  it('rootFromLeafHashes refuses a leaf hash that is not 32 bytes, naming it', () => {
    const hashes = LEAVES.map(leafHash);
    hashes[5] = new Uint8Array(31);
    expect(() => rootFromLeafHashes(hashes)).toThrow(/leaf hash 5 is 31 bytes/);
  });
});

describe('proofs of the reference tree equal the reference vectors', () => {
  const hashes = LEAVES.map(leafHash);
  const read = (path: string) =>
    JSON.parse(readFileSync(join(ROOT, 'testdata', 'merkle', path, 'happy-path.json'), 'utf8'));
  const b64 = (proof: string[] | null): string[] =>
    (proof ?? []).map((text) => hex(Buffer.from(text, 'base64')));

  for (const n of [0, 1, 2, 3, 4]) {
    it(`inclusion/${n}/happy-path.json`, () => {
      const v = read(`inclusion/${n}`);
      expect(hex(Buffer.from(v.root, 'base64'))).toBe(ROOTS[v.treeSize]);
      expect(inclusionProof(v.leafIdx, hashes.slice(0, v.treeSize)).map(hex)).toEqual(b64(v.proof));
    });
    it(`consistency/${n}/happy-path.json`, () => {
      const v = read(`consistency/${n}`);
      expect(hex(Buffer.from(v.root2, 'base64'))).toBe(ROOTS[v.size2]);
      expect(consistencyProof(v.size1, v.size2, hashes).map(hex)).toEqual(b64(v.proof));
    });
  }
});

describe('bounds and bad input', () => {
  const leaves = randomLeaves(5, 1);
  const root = rootFromLeafHashes(leaves);
  const h = leaves[0]!;

  it('refuses indexes and sizes that are not integers in 0..2^53-1, naming them', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53, '3' as unknown as number]) {
      expect(
        codeOf(() => verifyInclusion(bad, 5, h, [], root)),
        String(bad),
      ).toBe('EINVAL');
      expect(
        codeOf(() => verifyInclusion(0, bad, h, [], root)),
        String(bad),
      ).toBe('EINVAL');
      expect(
        codeOf(() => verifyConsistency(bad, 5, [], root, root)),
        String(bad),
      ).toBe('EINVAL');
      expect(
        codeOf(() => verifyConsistency(1, bad, [], root, root)),
        String(bad),
      ).toBe('EINVAL');
      expect(
        codeOf(() => inclusionProof(bad, leaves)),
        String(bad),
      ).toBe('EINVAL');
      expect(
        codeOf(() => consistencyProof(bad, 5, leaves)),
        String(bad),
      ).toBe('EINVAL');
    }
    expect(() => verifyInclusion(1.5, 5, h, [], root)).toThrow(
      'leaf index 1.5 is not an integer in 0..2^53-1',
    );
    expect(() => verifyInclusion('3' as unknown as number, 5, h, [], root)).toThrow(
      'leaf index "3" is not',
    );
  });

  it('computes exact proof lengths up to 2^53-1 leaves, where 32-bit shifts would be wrong', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const proof53 = Array.from({ length: 53 }, () => h);
    expect(() => verifyInclusion(0, max, h, [], root)).toThrow('has 0 hashes, want 53');
    expect(() => verifyInclusion(max - 1, max, h, [], root)).toThrow('has 0 hashes, want 52');
    expect(() => verifyInclusion(2 ** 32 + 1, 2 ** 33, h, [], root)).toThrow('want 33');
    expect(codeOf(() => verifyInclusion(0, max, h, proof53, root))).toBe('EMISMATCH');
    expect(() => verifyConsistency(2 ** 52, max, [], root, root)).toThrow(
      `want ${subLen(2 ** 52, max, true)}`,
    );
    expect(() => verifyConsistency(3, 2 ** 40 + 3, [], root, root)).toThrow(
      `want ${subLen(3, 2 ** 40 + 3, true)}`,
    );
  });

  it('refuses a proof that is not an array or holds a hash of the wrong length', () => {
    expect(codeOf(() => verifyInclusion(0, 5, h, null as unknown as Uint8Array[], root))).toBe(
      'EINVAL',
    );
    const proof = inclusionProof(2, leaves);
    proof[1] = proof[1]!.subarray(0, 31);
    expect(() => verifyInclusion(2, 5, leaves[2]!, proof, root)).toThrow(
      /proof for leaf 2 of 5 hash 1 is 31 bytes, not 32/,
    );
    expect(
      codeOf(() => verifyInclusion(2, 5, leaves[2]!, inclusionProof(2, leaves), root.subarray(1))),
    ).toBe('EHASHLEN');
  });

  it('names both roots in hex when they differ', () => {
    const other = rootFromLeafHashes(leaves.slice(0, 4));
    expect(() => verifyInclusion(1, 5, leaves[1]!, inclusionProof(1, leaves), other)).toThrow(
      `computed root ${hex(root)} is not the expected root ${hex(other)}`,
    );
    expect(() => verifyConsistency(5, 5, [], root, other)).toThrow(hex(other));
  });

  it('generating refuses indexes and sizes outside the leaves and the empty old tree', () => {
    expect(codeOf(() => inclusionProof(5, leaves))).toBe('ERANGE');
    expect(codeOf(() => consistencyProof(2, 6, leaves))).toBe('ERANGE');
    expect(codeOf(() => consistencyProof(4, 3, leaves))).toBe('ERANGE');
    expect(codeOf(() => consistencyProof(0, 3, leaves))).toBe('EEMPTY');
    expect(codeOf(() => inclusionProof(0, [h, new Uint8Array(3)]))).toBe('EHASHLEN');
  });
});

describe('10,000 leaves', () => {
  it('computes the root and verifies 24 inclusion and 5 consistency proofs', () => {
    const leaves = randomLeaves(10_000, 7);
    const root = rootFromLeafHashes(leaves);
    const rand = rng(10_000);
    // Each proof hashes the whole tree again: the edges of full subtrees, then random leaves.
    const edges = [0, 1, 4_095, 4_096, 8_191, 8_192, 9_998, 9_999];
    for (const i of [...edges, ...Array.from({ length: 16 }, () => Math.floor(rand(10_000)))]) {
      verifyInclusion(i, 10_000, leaves[i]!, inclusionProof(i, leaves), root);
    }
    for (const m of [1, 1_024, 4_097, 9_999, 10_000])
      verifyConsistency(
        m,
        10_000,
        consistencyProof(m, 10_000, leaves),
        rootFromLeafHashes(leaves.slice(0, m)),
        root,
      );
  });
});
