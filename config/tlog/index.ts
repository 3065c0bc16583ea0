// A transparency log, usable on its own: RFC 9162 Merkle trees and proofs (SHA-256), C2SP
// signed notes (Ed25519) and their keys, checkpoints, witness cosignatures (tlog-cosignature),
// the log as tiles (tlog-tiles) and a hash reader over them, and the coded error every one of
// them throws. The collection config is published in such a log (config/); nothing here knows
// about configs. docs/config-log.md.
export { CodedError, why } from './error.js';
export {
  HASH_SIZE,
  type ProofErrorCode,
  ProofError,
  emptyRoot,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
} from './merkle.js';
export { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from './proof.js';
export {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  type KeyErrorCode,
  type SignerKey,
  type VerifierKey,
  KeyError,
  formatVerifier,
  generateKey,
  parseSigner,
  parseVerifier,
} from './keys.js';
export {
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  type NoteErrorCode,
  NoteError,
  signNote,
  verifyNote,
} from './note.js';
export {
  type Checkpoint,
  type CheckpointErrorCode,
  CheckpointError,
  formatCheckpoint,
  parseCheckpoint,
} from './checkpoint.js';
export {
  MAX_ENTRY_BYTES,
  TILE_WIDTH,
  type ReadFn,
  type Tile,
  type TileErrorCode,
  TileError,
  bundlePath,
  encodeIndex,
  tilePath,
  tilesForSize,
} from './tiles.js';
export { type TileHashReader, hashReader } from './tile-reader.js';
export {
  MAX_CLOCK_SKEW_SECONDS,
  type CosignatureErrorCode,
  type WitnessOutcome,
  CosignatureError,
  checkCosignatures,
  cosignNote,
  cosignatureMessage,
  generateWitnessKey,
  parseWitnessSigner,
  parseWitnessVerifier,
  requireCosignatures,
} from './cosignature.js';
// Also used by the config's own log code (config/log.ts, client.ts, trust.ts).
export { hex8 } from './keys.js';
export { rangeRoot } from './merkle.js';
export { LOG_PATH, edgeRoot } from './tiles.js';
