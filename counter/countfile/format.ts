// Count-file format v1, byte-compatible with golang.org/x/telemetry (docs/count-file.md).
// Every constant here is part of the on-disk format: changing one needs a new file version.

/** The 28 ASCII bytes every count file starts with. */
export const HDR_PREFIX = '# telemetry/counter file v1\n';
/** Suffix that marks a count file; tools recognise count files by it alone. */
export const FILE_SUFFIX = '.v1.count';
/** Files are created at and grown by this many bytes; records never cross a page end. */
export const PAGE_SIZE = 16384;
/** Smallest valid count file. */
export const MIN_FILE_LEN = 16384;
/** The metadata text may not exceed this, which bounds the header at 544 bytes. */
export const MAX_META_LEN = 512;
/** Counter names (stack names included, compressed) may not exceed this many bytes. */
export const MAX_NAME_LEN = 4096;
/** Number of hash-chain heads after the allocation limit. */
export const NUM_BUCKETS = 512;
/** Records start on, and are sized in, multiples of this, so values stay 8-byte aligned. */
export const RECORD_UNIT = 32;
/**
 * What a reader accepts as a record's start: any multiple of 8, the least that lets its 64-bit
 * value be read with Atomics (an unaligned offset would throw). Writers place records on
 * RECORD_UNIT; the reader asks only for what it needs, so a file from a writer that aligns
 * less strictly still reads.
 */
export const RECORD_ALIGN = 8;
/** Byte offset of the record's name-length word and next-record word. */
export const REC_LEN_OFF = 8;
export const REC_NEXT_OFF = 12;
export const REC_NAME_OFF = 16;
/** The name-length word is stored OR-ed with this so a zero word means "not yet written". */
export const LEN_MARK = 0xff000000;
export const LEN_MASK = 0x00ffffff;
/** Next pointer of a record that lost an allocation race for its name; never linked. */
export const DEAD = 0xffffffff;
export const MAX_U64 = 0xffffffffffffffffn;

/**
 * Not part of the format: the largest file tools read (`read.ts`). A week of counting stays
 * far below it (30,000 counters take about 2 MiB); anything larger is refused by its size,
 * before a byte is read, so a huge file at a count file's name cannot exhaust memory.
 */
export const MAX_READ_LEN = 64 * 1024 * 1024;

/** Metadata keys written by this toolkit, in file order. */
export const META_KEYS = [
  'TimeBegin',
  'TimeEnd',
  'Program',
  'Version',
  'Runtime',
  'OS',
  'Arch',
] as const;
export type Meta = Record<(typeof META_KEYS)[number], string>;

export function roundUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}

/** FNV-1a over the name's bytes, folded to a bucket index: part of the format. */
export function bucketOf(name: Uint8Array): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name[i]!, 16777619) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) % NUM_BUCKETS;
}

export function metaText(meta: Meta): string {
  return META_KEYS.map((key) => `${key}: ${meta[key]}\n`).join('') + '\n';
}

/** The full header (prefix, length word, metadata, zero padding), or null when metadata is too long. */
export function buildHeader(meta: Meta): Uint8Array | null {
  const text = Buffer.from(metaText(meta), 'utf8'); // not TextEncoder: see checkName
  if (text.length > MAX_META_LEN) return null;
  const hdrLen = roundUp(HDR_PREFIX.length + 4 + text.length, RECORD_UNIT);
  const out = new Uint8Array(hdrLen);
  out.set(Buffer.from(HDR_PREFIX, 'latin1'), 0);
  new DataView(out.buffer).setUint32(HDR_PREFIX.length, hdrLen, littleEndian());
  out.set(text, HDR_PREFIX.length + 4);
  return out;
}

export function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

export function recordSize(nameLen: number): number {
  return roundUp(REC_NAME_OFF + nameLen, RECORD_UNIT);
}

/** First byte offset usable for records, given the header length. */
export function firstRecordOffset(hdrLen: number): number {
  return roundUp(hdrLen + 4 + 4 * NUM_BUCKETS, RECORD_UNIT);
}

/**
 * Where a record of `size` bytes goes when the allocation limit is `limit`: right after it,
 * unless it would reach the end of a 16 KiB page, in which case at the next page's start.
 */
export function placeRecord(
  limit: number,
  hdrLen: number,
  size: number,
): { start: number; end: number } {
  let start = limit === 0 ? firstRecordOffset(hdrLen) : limit;
  if (Math.floor(start / PAGE_SIZE) !== Math.floor((start + size) / PAGE_SIZE))
    start = roundUp(start, PAGE_SIZE);
  return { start, end: start + size };
}
