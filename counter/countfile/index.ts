// The count file, shared by counting, the CLI and the uploader: the v1 format (byte-compatible
// with Go's), the lock-free allocator over a mapped file, the reader, stack names and file
// names. docs/count-file.md holds the byte layout and the races.
export {
  DEAD,
  FILE_SUFFIX,
  HDR_PREFIX,
  LEN_MARK,
  LEN_MASK,
  MAX_META_LEN,
  MAX_NAME_LEN,
  MAX_U64,
  MIN_FILE_LEN,
  NUM_BUCKETS,
  PAGE_SIZE,
  REC_LEN_OFF,
  REC_NAME_OFF,
  REC_NEXT_OFF,
  RECORD_UNIT,
  META_KEYS,
  type Meta,
  bucketOf,
  buildHeader,
  firstRecordOffset,
  littleEndian,
  metaText,
  placeRecord,
  recordSize,
  roundUp,
} from './format.js';
export { type CountMap, CorruptError, HeaderMismatchError, MAP_RESERVE } from './mapped.js';
export {
  addAt,
  closeCountMap,
  discardCountMap,
  memoryCountMap,
  openCountMap,
  saturate,
  sync,
} from './file.js';
export { NEEDS_IO, resolve } from './chain.js';
export { type CountFile, CountFileError, parseCountFile } from './parse.js';
export { TRUNCATED, decodeStack, encodeStack } from './stack-name.js';
export { RUNTIME_SLACK, type RawFrame, frameOfSite, isRuntimeFile } from './call-site.js';
export { buildCountImage } from './image.js';
export {
  type FileInfo,
  type ReadFailed,
  type ReadOk,
  fileInfo,
  isActive,
  listCountFiles,
  readCountFile,
} from './read.js';
export { countFileName, escapeName } from './name.js';
