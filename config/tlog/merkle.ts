// RFC 9162 §2.1 Merkle tree hashing with SHA-256: leaf and node hashes, the tree head (MTH),
// and the one error class the proof functions (proof.ts) share. Bytes in and out are
// Uint8Array; indexes and sizes are JS numbers, checked to be safe integers, so that no
// arithmetic here silently rounds above 2^53-1.
import { createHash } from 'node:crypto';
import { CodedError } from './error.js';

export const HASH_SIZE = 32;

export type ProofErrorCode =
  | 'EINVAL' // an index or size that is not an integer in 0..2^53-1, or a proof that is not an array
  | 'ERANGE' // an index or size outside the tree (index >= size, size1 > size2, size > leaves)
  | 'EEMPTY' // a consistency proof from the empty tree (size1 = 0), which proves nothing
  | 'EPROOFLEN' // a proof with the wrong number of hashes for its index and sizes
  | 'EHASHLEN' // a hash that is not a 32-byte Uint8Array
  | 'EMISMATCH'; // the root computed from the proof is not the expected root

export class ProofError extends CodedError<ProofErrorCode> {
  override name = 'ProofError';
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Throws EINVAL unless count is an integer in 0..2^53-1 (Number.MAX_SAFE_INTEGER). */
export function checkCount(count: number, what: string): void {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    const shown =
      typeof count === 'number' ? String(count) : (JSON.stringify(count) ?? typeof count);
    throw new ProofError('EINVAL', `${what} ${shown} is not an integer in 0..2^53-1`);
  }
}

/** Throws EHASHLEN unless hash is a 32-byte Uint8Array. */
export function checkHash(hash: unknown, what: string): asserts hash is Uint8Array {
  if (!(hash instanceof Uint8Array))
    throw new ProofError('EHASHLEN', `${what} is not a byte array`);
  if (hash.length !== HASH_SIZE)
    throw new ProofError('EHASHLEN', `${what} is ${hash.length} bytes, not ${HASH_SIZE}`);
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** SHA-256(0x00 || entry): the hash of one log entry (§2.1.1). */
export function leafHash(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array))
    throw new ProofError('EINVAL', 'leaf entry is not a byte array');
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(entry).digest());
}

/** SHA-256(0x01 || left || right) without checks: for callers that checked both already. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest(),
  );
}

/** SHA-256(0x01 || left || right): an interior node (§2.1.1); both children must be 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  checkHash(left, 'left child hash');
  checkHash(right, 'right child hash');
  return hashChildren(left, right);
}

/** MTH({}) = SHA-256 of the empty string (§2.1.1). */
export function emptyRoot(): Uint8Array {
  return new Uint8Array(createHash('sha256').digest());
}

/**
 * MTH of leaf hashes [lo, hi) of an array already checked, in one pass: a stack holds the roots
 * of the complete subtrees seen so far (the compact range), largest first; after leaf i the two
 * top entries merge once for every trailing one bit of i's offset. Folding the stack from the
 * right at the end gives §2.1.1's split at the largest power of two below the size.
 */
export function rangeRoot(hashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end <= start) return emptyRoot();
  const stack: Uint8Array[] = [];
  for (let i = start; i < end; i++) {
    let h = hashes[i]!;
    for (let c = i - start; c % 2 === 1; c = (c - 1) / 2) h = hashChildren(stack.pop()!, h);
    stack.push(h);
  }
  let root = stack.pop()!;
  while (stack.length > 0) root = hashChildren(stack.pop()!, root);
  return root;
}

/** Throws EINVAL/EHASHLEN unless hashes is an array of 32-byte hashes. */
export function checkLeafHashes(hashes: readonly Uint8Array[]): void {
  if (!Array.isArray(hashes)) throw new ProofError('EINVAL', 'leaf hashes are not an array');
  for (let i = 0; i < hashes.length; i++) checkHash(hashes[i], `leaf hash ${i}`);
}

/** The Merkle tree head MTH(D[n]) of a list of leaf hashes (§2.1.1), linear in their number. */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  checkLeafHashes(hashes);
  return rangeRoot(hashes, 0, hashes.length);
}
