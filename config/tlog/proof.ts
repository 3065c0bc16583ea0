// RFC 9162 §2.1.3 and §2.1.4: inclusion and consistency proofs, made from the list of leaf
// hashes (for the log writer) and checked against signed roots (for everyone). Generation is
// linear in the leaves per call: each proof hash is the MTH of a disjoint range. Verification
// follows the RFC's bit-walking algorithms and is logarithmic in the tree size; a proof's
// length is checked before any of its hashes is read, so a huge proof costs nothing.
import {
  ProofError,
  checkCount,
  checkHash,
  checkLeafHashes,
  hashChildren,
  hex,
  rangeRoot,
} from './merkle.js';

const odd = (count: number): boolean => count % 2 === 1;
// Integer halving that stays exact up to 2^53-1 (bitwise shifts would cut numbers to 32 bits).
const half = (count: number): number => Math.floor(count / 2);

/** The largest power of two strictly below size (size >= 2): §2.1.1's split point k. */
function splitPoint(size: number): number {
  let k = 1;
  while (k * 2 < size) k *= 2;
  return k;
}

/** PATH(index, D[n]) of §2.1.3.1: the audit path of one leaf, lowest sibling first. */
export function inclusionProof(index: number, leafHashes: readonly Uint8Array[]): Uint8Array[] {
  checkLeafHashes(leafHashes);
  checkCount(index, 'leaf index');
  if (index >= leafHashes.length)
    throw new ProofError(
      'ERANGE',
      `leaf index ${index} is not below tree size ${leafHashes.length}`,
    );
  const top: Uint8Array[] = []; // built from the root down, returned from the leaf up
  let [lo, hi] = [0, leafHashes.length];
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      top.push(rangeRoot(leafHashes, mid, hi));
      hi = mid;
    } else {
      top.push(rangeRoot(leafHashes, lo, mid));
      lo = mid;
    }
  }
  return top.reverse();
}

/** PROOF(size1, D[size2]) of §2.1.4.1, from the first size2 leaf hashes; 0 < size1 <= size2. */
export function consistencyProof(
  size1: number,
  size2: number,
  leafHashes: readonly Uint8Array[],
): Uint8Array[] {
  checkLeafHashes(leafHashes);
  checkCount(size1, 'old tree size');
  checkCount(size2, 'new tree size');
  if (size2 > leafHashes.length)
    throw new ProofError(
      'ERANGE',
      `new tree size ${size2} is above the ${leafHashes.length} leaves given`,
    );
  checkSizes(size1, size2);
  // SUBPROOF(m, D[lo:hi], complete), unrolled: m counts the old tree's leaves inside [lo, hi).
  const top: Uint8Array[] = [];
  let [m, lo, hi, complete] = [size1, 0, size2, true];
  while (m < hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      top.push(rangeRoot(leafHashes, lo + k, hi));
      hi = lo + k;
    } else {
      top.push(rangeRoot(leafHashes, lo, lo + k));
      [m, lo, complete] = [m - k, lo + k, false];
    }
  }
  if (!complete) top.push(rangeRoot(leafHashes, lo, hi)); // SUBPROOF(m, D[m], false) = {MTH(D[m])}
  return top.reverse();
}

function checkSizes(size1: number, size2: number): void {
  if (size1 > size2)
    throw new ProofError('ERANGE', `old tree size ${size1} is above new tree size ${size2}`);
  if (size1 === 0)
    throw new ProofError('EEMPTY', 'consistency from the empty tree (old size 0) proves nothing');
}

/** How many proof hashes the §2.1.3.2 / §2.1.4.2 loop takes from (first, second), the RFC's (fn, sn), until second reaches 0. */
function walkLength(first: number, second: number): number {
  let n = 0;
  for (; second > 0; n++) {
    if (first === second && !odd(first))
      while (!odd(first) && first !== 0) [first, second] = [half(first), half(second)];
    [first, second] = [half(first), half(second)];
  }
  return n;
}

function checkProof(proof: readonly Uint8Array[], want: number, what: string): void {
  if (!Array.isArray(proof)) throw new ProofError('EINVAL', `${what} is not an array`);
  if (proof.length !== want)
    throw new ProofError('EPROOFLEN', `${what} has ${proof.length} hashes, want ${want}`);
  proof.forEach((hash, i) => checkHash(hash, `${what} hash ${i}`));
}

function checkMatch(computed: Uint8Array, expected: Uint8Array, what: string): void {
  if (Buffer.compare(computed, expected) !== 0) {
    throw new ProofError(
      'EMISMATCH',
      `${what}: computed root ${hex(computed)} is not the expected root ${hex(expected)}`,
    );
  }
}

/** §2.1.3.2: returns when proof shows leafHash at leafIndex in the tree of treeSize with root; throws ProofError otherwise. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkCount(leafIndex, 'leaf index');
  checkCount(treeSize, 'tree size');
  if (leafIndex >= treeSize)
    throw new ProofError('ERANGE', `leaf index ${leafIndex} is not below tree size ${treeSize}`);
  checkHash(leafHash, 'leaf hash');
  checkHash(root, 'root');
  checkProof(
    proof,
    walkLength(leafIndex, treeSize - 1),
    `inclusion proof for leaf ${leafIndex} of ${treeSize}`,
  );
  let [fn, sn, r] = [leafIndex, treeSize - 1, leafHash];
  for (const p of proof) {
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = hashChildren(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  checkMatch(r, root, `inclusion proof for leaf ${leafIndex} of ${treeSize}`);
}

/**
 * §2.1.4.2: returns when proof shows the tree of size2 with root2 extends the tree of size1 with
 * root1; throws ProofError otherwise. size1 = 0 is refused (EEMPTY), as in transparency-dev/merkle.
 * Equal sizes need an empty proof and equal roots, compared as bytes whatever their length:
 * nothing is hashed then, and the reference vectors accept two equal 12-byte roots.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkCount(size1, 'old tree size');
  checkCount(size2, 'new tree size');
  checkSizes(size1, size2);
  const what = `consistency proof from size ${size1} to ${size2}`;
  if (size1 === size2) {
    checkProof(proof, 0, what);
    if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array))
      throw new ProofError('EHASHLEN', `${what}: a root is not a byte array`);
    return checkMatch(root2, root1, `${what} (equal sizes)`);
  }
  checkHash(root1, 'old root');
  checkHash(root2, 'new root');
  let [fn, sn] = [size1 - 1, size2 - 1];
  while (odd(fn)) [fn, sn] = [half(fn), half(sn)]; // step 4: climb to the old tree's last full subtree
  // fn is 0 now exactly when size1 - 1 was all one bits, that is size1 is a power of two: then
  // that subtree is the old tree itself, whose root the proof omits (step 2).
  const seeded = fn === 0;
  checkProof(proof, walkLength(fn, sn) + (seeded ? 0 : 1), what);
  const path = seeded ? [root1, ...proof] : proof;
  let [fr, sr] = [path[0]!, path[0]!];
  for (const c of path.slice(1)) {
    if (odd(fn) || fn === sn) {
      [fr, sr] = [hashChildren(c, fr), hashChildren(c, sr)];
      while (!odd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = hashChildren(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  checkMatch(fr, root1, `${what} (old root)`);
  checkMatch(sr, root2, `${what} (new root)`);
}
