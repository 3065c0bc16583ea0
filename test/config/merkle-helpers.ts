// What the Merkle tree tests share (merkle*.unit.test.ts): the RFC 6962 reference tree, a seeded
// random tree, proof lengths from the RFC's own recursion, and a way to read a refusal's code.
import { ProofError, leafHash, type ProofErrorCode } from '../../config/tlog/merkle.js';
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

// The RFC 6962 test tree: leaf inputs and the root of every prefix of 0..8 leaves, hash values
// copied as data from github.com/transparency-dev/merkle testonly/constants.go (LeafInputs,
// RootHashes; commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1, Apache-2.0).
export const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
export const ROOTS = [
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
export function codeOf(attempt: () => void): ProofErrorCode | 'none' {
  try {
    attempt();
    return 'none';
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    return error.code;
  }
}

/** Seeded PRNG (mulberry32), so the random trees are the same on every run. */
export function rng(seed: number): (count: number) => number {
  return (count) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * count;
  };
}
export const randomLeaves = (count: number, seed: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => leafHash(Buffer.from(`leaf ${seed}/${i}`)));

// Proof lengths straight from the RFC's recursive definitions (§2.1.3.1 PATH, §2.1.4.1 SUBPROOF),
// independent of the verifier's bit walk.
export const split = (size: number): number => 2 ** Math.ceil(Math.log2(size) - 1);
export const pathLen = (index: number, size: number): number =>
  size <= 1
    ? 0
    : index < split(size)
      ? 1 + pathLen(index, split(size))
      : 1 + pathLen(index - split(size), size - split(size));
export const subLen = (oldSize: number, size: number, original: boolean): number =>
  oldSize === size
    ? original
      ? 0
      : 1
    : oldSize <= split(size)
      ? 1 + subLen(oldSize, split(size), original)
      : 1 + subLen(oldSize - split(size), size - split(size), false);

export function flipBit(proof: Uint8Array[], which: number): Uint8Array[] {
  const out = proof.map((hash) => new Uint8Array(hash));
  out[which % out.length]![which % 32]! ^= 1 << (which % 8);
  return out;
}
