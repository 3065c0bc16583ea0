// transparent-telemetry/config: the collection config a vendor publishes, and everything a
// client needs to trust it. A strict schema in the shape of Go's UploadConfig and its query
// API; RFC 9162 Merkle trees and proofs (SHA-256); C2SP signed notes (Ed25519), checkpoints and
// witness cosignatures; the log as tiles; the client's verification, which the vendor commands
// (server/cmd) share.
// Verification functions return nothing when a proof or signature holds and throw an error
// whose `code` says what failed. docs/config-log.md.
export {
  type ConfigErrorCode,
  type CounterConfig,
  type ProgramConfig,
  type StackConfig,
  type UploadConfig,
  ConfigError,
  DEFAULT_MAX_STACKS,
  MAX_DEPTH,
  parseConfig,
} from './schema.js';
export { type ConfigQuery, PLAIN_RELEASE, type StackRule, buildQuery } from './query.js';
export { chartOf, goExpand } from './expand.js';
export { CodedError, why } from './tlog/index.js';
export {
  HASH_SIZE,
  type ProofErrorCode,
  ProofError,
  emptyRoot,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
} from './tlog/index.js';
export {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './tlog/index.js';
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
} from './tlog/index.js';
export {
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  type NoteErrorCode,
  NoteError,
  signNote,
  verifyNote,
} from './tlog/index.js';
export {
  type Checkpoint,
  type CheckpointErrorCode,
  CheckpointError,
  formatCheckpoint,
  parseCheckpoint,
} from './tlog/index.js';
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
} from './tlog/index.js';
export { type TileHashReader, hashReader } from './tlog/index.js';
export {
  type LogView,
  type WriteFn,
  appendToLog,
  atomicWriter,
  dirReader,
  readLog,
  verifyLog,
} from './log.js';
export {
  type Caps,
  type FetchConfigOptions,
  type VerifiedConfig,
  DEFAULT_CAPS,
  fetchVerifiedConfig,
} from './client.js';
export { trustedCheckpointFile } from './trust.js';
export { CLIENT_VERSION, type ClientErrorCode, ClientError } from './fetch.js';
export { type PinnedKeys, readVerifiedConfig } from './client.js';
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
} from './tlog/index.js';
export { checkExtends, loadTrusted, openCheckpoint } from './trust.js';
