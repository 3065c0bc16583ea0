// Reads a count file from bytes, with the same acceptance rules as Go's parser and errors
// that name the file and the reason. Readers never write, so any file can be inspected.
import { FILE_SUFFIX, HDR_PREFIX, LEN_MASK, MIN_FILE_LEN, NUM_BUCKETS, REC_NAME_OFF, littleEndian } from './format.js';
import { decodeStack } from './stack-name.js';

export interface CountFile {
  meta: Record<string, string>;
  /** Decoded counter name → value; values are exact 64-bit integers. */
  counts: Map<string, bigint>;
}

export class CountFileError extends Error {
  readonly code: 'ETOOSHORT' | 'EBADHDR' | 'ECORRUPT';
  readonly file: string;
  constructor(file: string, code: CountFileError['code'], detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'CountFileError';
    this.code = code;
    this.file = file;
  }
}

// Made on first use: the entry bundle shares this room's face, and a decoder costs start-up time.
let latin1: TextDecoder | undefined;
let utf8: TextDecoder | undefined;

export function parseCountFile(file: string, data: Uint8Array): CountFile {
  latin1 ??= new TextDecoder('latin1');
  utf8 ??= new TextDecoder('utf-8');
  if (data.length < MIN_FILE_LEN) throw new CountFileError(file, 'ETOOSHORT', `file too short (${data.length}<${MIN_FILE_LEN})`);
  if (latin1.decode(data.subarray(0, HDR_PREFIX.length)) !== HDR_PREFIX) {
    throw new CountFileError(file, 'EBADHDR', `wrong hdr (not ${JSON.stringify(HDR_PREFIX)})`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = littleEndian();
  const corrupt = (why: string) => new CountFileError(file, 'ECORRUPT', `corrupt counter file: ${why}`);
  const hdrLen = view.getUint32(HDR_PREFIX.length, le);
  if (hdrLen > MIN_FILE_LEN || hdrLen < HDR_PREFIX.length + 4) throw corrupt(`header length ${hdrLen} out of range`);
  if (hdrLen + 4 + 4 * NUM_BUCKETS > data.length) throw corrupt(`hash table at ${hdrLen + 4} runs past the end`);
  const meta = parseMeta(data.subarray(HDR_PREFIX.length + 4, hdrLen), corrupt);
  if (!meta.TimeBegin) inferTimes(file, meta, corrupt);
  const counts = new Map<string, bigint>();
  const seen = new Set<string>();
  for (let b = 0; b < NUM_BUCKETS; b++) {
    let off = view.getUint32(hdrLen + 4 + 4 * b, le);
    while (off !== 0) {
      if (off < hdrLen + 4 || off + REC_NAME_OFF > data.length) throw corrupt(`record offset ${off} out of range`);
      const nameLen = view.getUint32(off + 8, le) & LEN_MASK;
      if (nameLen === 0) throw corrupt(`record at offset ${off} has an empty name`);
      if (off + REC_NAME_OFF + nameLen > data.length) throw corrupt(`record at offset ${off} runs past the end`);
      const raw = data.subarray(off + REC_NAME_OFF, off + REC_NAME_OFF + nameLen);
      const key = latin1.decode(raw);
      if (seen.has(key)) throw corrupt(`duplicate counter name at offset ${off}`);
      seen.add(key);
      counts.set(decodeStack(utf8.decode(raw)), view.getBigUint64(off, le));
      off = view.getUint32(off + 12, le);
    }
  }
  return { meta, counts };
}

/**
 * Go's rule for a file without TimeBegin: take the date from the file name, and end the span
 * one day later (Go's own comment doubts the day; kept so both readers agree).
 */
function inferTimes(file: string, meta: Record<string, string>, corrupt: (why: string) => Error): void {
  if (!file.endsWith(FILE_SUFFIX) || file.length < '-2022-11-19'.length) throw corrupt('no TimeBegin, and no date in the file name');
  const date = file.slice(0, -FILE_SUFFIX.length).slice(-10);
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(date) || Number.isNaN(t)) throw new CountFileError(file, 'ECORRUPT', 'invalid counter file name');
  meta.TimeBegin = `${date}T00:00:00Z`;
  meta.TimeEnd = `${new Date(t + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
}

function parseMeta(bytes: Uint8Array, corrupt: (why: string) => Error): Record<string, string> {
  const nul = bytes.indexOf(0);
  const text = utf8!.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
  const meta: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const sep = line.indexOf(': ');
    if (sep < 0) throw corrupt(`metadata line ${JSON.stringify(line)} has no ": "`);
    meta[line.slice(0, sep)] = line.slice(sep + 2);
  }
  return meta;
}
