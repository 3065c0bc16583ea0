// RFC 9162 §2.1 hashing, roots and proofs (config/tlog/merkle.ts, config/tlog/proof.ts): the reference test
// tree, proofs made here checked by the verifier and against the reference vectors, tampered
// proofs refused with the right code, bounds on indexes and sizes, and a 10,000-leaf tree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProofError, emptyRoot, leafHash, nodeHash, rootFromLeafHashes, type ProofErrorCode } from '../../config/tlog/merkle.js';
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from '../../config/tlog/proof.js';
import { ROOT } from '../helpers.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

// The RFC 6962 test tree: leaf inputs and the root of every prefix of 0..8 leaves, hash values
// copied as data from github.com/transparency-dev/merkle testonly/constants.go (LeafInputs,
// RootHashes; commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1, Apache-2.0).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** Runs f and returns the ProofError code it throws (failing the test if it throws anything else). */
function codeOf(f: () => void): ProofErrorCode | 'none' {
  try {
    f();
    return 'none';
  } catch (e) {
    if (!(e instanceof ProofError)) throw e;
    return e.code;
  }
}

/** Seeded PRNG (mulberry32), so the random trees are the same on every run. */
function rng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}
const randomLeaves = (n: number, seed: number): Uint8Array[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${seed}/${i}`)));

// Proof lengths straight from the RFC's recursive definitions (§2.1.3.1 PATH, §2.1.4.1 SUBPROOF),
// independent of the verifier's bit walk.
const split = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
const pathLen = (m: number, n: number): number => (n <= 1 ? 0 : m < split(n) ? 1 + pathLen(m, split(n)) : 1 + pathLen(m - split(n), n - split(n)));
const subLen = (m: number, n: number, b: boolean): number =>
  m === n ? (b ? 0 : 1) : m <= split(n) ? 1 + subLen(m, split(n), b) : 1 + subLen(m - split(n), n - split(n), false);

function flipBit(proof: Uint8Array[], which: number): Uint8Array[] {
  const out = proof.map((h) => new Uint8Array(h));
  out[which % out.length]![which % 32]! ^= 1 << which % 8;
  return out;
}

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
    for (let n = 0; n <= 8; n++) expect(hex(rootFromLeafHashes(hashes.slice(0, n))), `size ${n}`).toBe(ROOTS[n]);
  });

  it('rootFromLeafHashes refuses a leaf hash that is not 32 bytes, naming it', () => {
    const hashes = LEAVES.map(leafHash);
    hashes[5] = new Uint8Array(31);
    expect(() => rootFromLeafHashes(hashes)).toThrow(/leaf hash 5 is 31 bytes/);
  });
});

describe('proofs of the reference tree equal the reference vectors', () => {
  const hashes = LEAVES.map(leafHash);
  const read = (p: string) => JSON.parse(readFileSync(join(ROOT, 'testdata', 'merkle', p, 'happy-path.json'), 'utf8'));
  const b64 = (p: string[] | null): string[] => (p ?? []).map((s) => hex(Buffer.from(s, 'base64')));

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

describe('round trip on random trees of up to 300 leaves', () => {
  const rand = rng(9162);
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 255, 256, 257, 300, ...Array.from({ length: 8 }, () => 1 + Math.floor(rand(300)))];

  for (const [t, n] of sizes.entries()) {
    it(`${n} leaves: every inclusion proof verifies, tampered ones fail with the right code`, () => {
      const pool = randomLeaves(2 * n, t); // the tree is the first n; wrong sizes up to 2n
      const leaves = pool.slice(0, n);
      const root = rootFromLeafHashes(leaves);
      // A wrong size is claimed with that size's own root, as a checkpoint would give it: a proof
      // does not bind the size by itself (the leftmost leaf's proof is the same for sizes 129..256).
      const wrong = [n - 1, n + 1, n * 2].map((m) => ({ m, root: rootFromLeafHashes(pool.slice(0, m)) }));
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, leaves);
        expect(proof.length).toBe(pathLen(i, n));
        verifyInclusion(i, n, leaves[i]!, proof, root);
        if (proof.length > 0) expect(codeOf(() => verifyInclusion(i, n, leaves[i]!, flipBit(proof, i), root))).toBe('EMISMATCH');
        for (const j of [i - 1, i + 1, i ^ 2]) {
          if (j < 0) continue;
          const want = j >= n ? 'ERANGE' : pathLen(j, n) === proof.length ? 'EMISMATCH' : 'EPROOFLEN';
          expect(codeOf(() => verifyInclusion(j, n, leaves[i]!, proof, root)), `index ${j} for ${i}`).toBe(want);
        }
        for (const { m, root: r } of wrong) {
          const want = i >= m ? 'ERANGE' : pathLen(i, m) === proof.length ? 'EMISMATCH' : 'EPROOFLEN';
          expect(codeOf(() => verifyInclusion(i, m, leaves[i]!, proof, r)), `size ${m} for ${i}`).toBe(want);
        }
      }
    });

    it(`${n} leaves: sampled consistency proofs verify, tampered ones fail with the right code`, () => {
      const pool = randomLeaves(2 * n, t);
      const leaves = pool.slice(0, n);
      const rootOf = (size: number): Uint8Array => rootFromLeafHashes(pool.slice(0, size));
      const pairs: [number, number][] = [[1, n], [n, n], [Math.max(1, n - 1), n]];
      for (let s = 0; s < 40; s++) {
        const size2 = 1 + Math.floor(rand(n));
        pairs.push([1 + Math.floor(rand(size2)), size2]);
      }
      for (const [m, k] of pairs) {
        const [r1, r2] = [rootOf(m), rootOf(k)];
        const proof = consistencyProof(m, k, leaves);
        expect(proof.length).toBe(subLen(m, k, true));
        verifyConsistency(m, k, proof, r1, r2);
        if (m === k) continue;
        for (let b = 0; b < proof.length; b++) expect(codeOf(() => verifyConsistency(m, k, flipBit(proof, b), r1, r2))).toBe('EMISMATCH');
        expect(codeOf(() => verifyConsistency(m, k, proof, r2, r2))).toBe('EMISMATCH');
        for (const [m2, k2] of [[m - 1, k], [m + 1, k], [m, k + 1], [m, k * 2]] as const) {
          const want = m2 === 0 ? 'EEMPTY' : m2 > k2 ? 'ERANGE' : m2 < k2 && subLen(m2, k2, true) === proof.length ? 'EMISMATCH' : 'EPROOFLEN';
          // Wrong sizes are claimed with their own roots, as checkpoints would give them.
          expect(codeOf(() => verifyConsistency(m2, k2, proof, rootOf(m2), rootOf(k2))), `${m2}->${k2} for ${m}->${k}`).toBe(want);
        }
      }
    });
  }
});

describe('bounds and bad input', () => {
  const leaves = randomLeaves(5, 1);
  const root = rootFromLeafHashes(leaves);
  const h = leaves[0]!;

  it('refuses indexes and sizes that are not integers in 0..2^53-1, naming them', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53, '3' as unknown as number]) {
      expect(codeOf(() => verifyInclusion(bad, 5, h, [], root)), String(bad)).toBe('EINVAL');
      expect(codeOf(() => verifyInclusion(0, bad, h, [], root)), String(bad)).toBe('EINVAL');
      expect(codeOf(() => verifyConsistency(bad, 5, [], root, root)), String(bad)).toBe('EINVAL');
      expect(codeOf(() => verifyConsistency(1, bad, [], root, root)), String(bad)).toBe('EINVAL');
      expect(codeOf(() => inclusionProof(bad, leaves)), String(bad)).toBe('EINVAL');
      expect(codeOf(() => consistencyProof(bad, 5, leaves)), String(bad)).toBe('EINVAL');
    }
    expect(() => verifyInclusion(1.5, 5, h, [], root)).toThrow('leaf index 1.5 is not an integer in 0..2^53-1');
    expect(() => verifyInclusion('3' as unknown as number, 5, h, [], root)).toThrow('leaf index "3" is not');
  });

  it('computes exact proof lengths up to 2^53-1 leaves, where 32-bit shifts would be wrong', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const proof53 = Array.from({ length: 53 }, () => h);
    expect(() => verifyInclusion(0, max, h, [], root)).toThrow('has 0 hashes, want 53');
    expect(() => verifyInclusion(max - 1, max, h, [], root)).toThrow('has 0 hashes, want 52');
    expect(() => verifyInclusion(2 ** 32 + 1, 2 ** 33, h, [], root)).toThrow('want 33');
    expect(codeOf(() => verifyInclusion(0, max, h, proof53, root))).toBe('EMISMATCH');
    expect(() => verifyConsistency(2 ** 52, max, [], root, root)).toThrow(`want ${subLen(2 ** 52, max, true)}`);
    expect(() => verifyConsistency(3, 2 ** 40 + 3, [], root, root)).toThrow(`want ${subLen(3, 2 ** 40 + 3, true)}`);
  });

  it('refuses a proof that is not an array or holds a hash of the wrong length', () => {
    expect(codeOf(() => verifyInclusion(0, 5, h, null as unknown as Uint8Array[], root))).toBe('EINVAL');
    const proof = inclusionProof(2, leaves);
    proof[1] = proof[1]!.subarray(0, 31);
    expect(() => verifyInclusion(2, 5, leaves[2]!, proof, root)).toThrow(/proof for leaf 2 of 5 hash 1 is 31 bytes, not 32/);
    expect(codeOf(() => verifyInclusion(2, 5, leaves[2]!, inclusionProof(2, leaves), root.subarray(1)))).toBe('EHASHLEN');
  });

  it('names both roots in hex when they differ', () => {
    const other = rootFromLeafHashes(leaves.slice(0, 4));
    expect(() => verifyInclusion(1, 5, leaves[1]!, inclusionProof(1, leaves), other)).toThrow(`computed root ${hex(root)} is not the expected root ${hex(other)}`);
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
    for (const m of [1, 1_024, 4_097, 9_999, 10_000]) verifyConsistency(m, 10_000, consistencyProof(m, 10_000, leaves), rootFromLeafHashes(leaves.slice(0, m)), root);
  });
});
