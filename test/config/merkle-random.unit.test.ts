import { describe, expect, it } from 'vitest';
import { rootFromLeafHashes } from '../../config/tlog/merkle.js';
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../config/tlog/proof.js';
import { codeOf, flipBit, pathLen, subLen, randomLeaves, rng } from './merkle-helpers.js';

describe('round trip on random trees of up to 300 leaves', () => {
  const rand = rng(9162);
  const sizes = [
    1,
    2,
    3,
    4,
    5,
    7,
    8,
    9,
    16,
    17,
    255,
    256,
    257,
    300,
    ...Array.from({ length: 8 }, () => 1 + Math.floor(rand(300))),
  ];

  for (const [t, n] of sizes.entries()) {
    it(`${n} leaves: every inclusion proof verifies, tampered ones fail with the right code`, () => {
      const pool = randomLeaves(2 * n, t); // the tree is the first n; wrong sizes up to 2n
      const leaves = pool.slice(0, n);
      const root = rootFromLeafHashes(leaves);
      // A wrong size is claimed with that size's own root, as a checkpoint would give it: a proof
      // does not bind the size by itself (the leftmost leaf's proof is the same for sizes 129..256).
      const wrong = [n - 1, n + 1, n * 2].map((wrongSize) => ({
        m: wrongSize,
        root: rootFromLeafHashes(pool.slice(0, wrongSize)),
      }));
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, leaves);
        expect(proof.length).toBe(pathLen(i, n));
        verifyInclusion(i, n, leaves[i]!, proof, root);
        if (proof.length > 0)
          expect(codeOf(() => verifyInclusion(i, n, leaves[i]!, flipBit(proof, i), root))).toBe(
            'EMISMATCH',
          );
        for (const j of [i - 1, i + 1, i ^ 2]) {
          if (j < 0) continue;
          const want =
            j >= n ? 'ERANGE' : pathLen(j, n) === proof.length ? 'EMISMATCH' : 'EPROOFLEN';
          expect(
            codeOf(() => verifyInclusion(j, n, leaves[i]!, proof, root)),
            `index ${j} for ${i}`,
          ).toBe(want);
        }
        for (const { m, root: r } of wrong) {
          const want =
            i >= m ? 'ERANGE' : pathLen(i, m) === proof.length ? 'EMISMATCH' : 'EPROOFLEN';
          expect(
            codeOf(() => verifyInclusion(i, m, leaves[i]!, proof, r)),
            `size ${m} for ${i}`,
          ).toBe(want);
        }
      }
    });

    it(`${n} leaves: sampled consistency proofs verify, tampered ones fail with the right code`, () => {
      const pool = randomLeaves(2 * n, t);
      const leaves = pool.slice(0, n);
      const rootOf = (size: number): Uint8Array => rootFromLeafHashes(pool.slice(0, size));
      const pairs: [number, number][] = [
        [1, n],
        [n, n],
        [Math.max(1, n - 1), n],
      ];
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
        for (let b = 0; b < proof.length; b++)
          expect(codeOf(() => verifyConsistency(m, k, flipBit(proof, b), r1, r2))).toBe(
            'EMISMATCH',
          );
        expect(codeOf(() => verifyConsistency(m, k, proof, r2, r2))).toBe('EMISMATCH');
        for (const [m2, k2] of [
          [m - 1, k],
          [m + 1, k],
          [m, k + 1],
          [m, k * 2],
        ] as const) {
          const want =
            m2 === 0
              ? 'EEMPTY'
              : m2 > k2
                ? 'ERANGE'
                : m2 < k2 && subLen(m2, k2, true) === proof.length
                  ? 'EMISMATCH'
                  : 'EPROOFLEN';
          // Wrong sizes are claimed with their own roots, as checkpoints would give them.
          expect(
            codeOf(() => verifyConsistency(m2, k2, proof, rootOf(m2), rootOf(k2))),
            `${m2}->${k2} for ${m}->${k}`,
          ).toBe(want);
        }
      }
    });
  }
});
