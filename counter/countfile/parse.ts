// Reads a count file from bytes, with the same acceptance rules as Go's parser and errors
// that name the file and the reason. Readers never write, so any file can be inspected.
import {
  FILE_SUFFIX,
  HDR_PREFIX,
  MIN_FILE_LEN,
  NUM_BUCKETS,
  REC_NAME_OFF,
  littleEndian,
} from './format.js';
import { decodeStack } from './stack-name.js';
import { walkLinked } from './walk.js';

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

/**
 * Reading is linear in the file's size, whatever its bytes (walk.ts), so a crafted file
 * cannot exhaust a reader's time or memory.
 */
export function parseCountFile(file: string, data: Uint8Array): CountFile {
  latin1 ??= new TextDecoder('latin1');
  utf8 ??= new TextDecoder('utf-8', { fatal: true });
  if (data.length < MIN_FILE_LEN)
    throw new CountFileError(file, 'ETOOSHORT', `file too short (${data.length}<${MIN_FILE_LEN})`);
  if (latin1.decode(data.subarray(0, HDR_PREFIX.length)) !== HDR_PREFIX) {
    throw new CountFileError(file, 'EBADHDR', `wrong hdr (not ${JSON.stringify(HDR_PREFIX)})`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = littleEndian();
  const corrupt = (why: string) =>
    new CountFileError(file, 'ECORRUPT', `corrupt counter file: ${why}`);
  const hdrLen = view.getUint32(HDR_PREFIX.length, le);
  if (hdrLen > MIN_FILE_LEN || hdrLen < HDR_PREFIX.length + 4)
    throw corrupt(`header length ${hdrLen} out of range`);
  if (hdrLen + 4 + 4 * NUM_BUCKETS > data.length)
    throw corrupt(`hash table at ${hdrLen + 4} runs past the end`);
  const meta = parseMeta(data.subarray(HDR_PREFIX.length + 4, hdrLen), corrupt);
  if (!meta.TimeBegin) inferTimes(file, meta, corrupt);
  const counts = new Map<string, bigint>();
  walkLinked(data, data.length, hdrLen, le, corrupt, (off, len) => {
    const name = decodeStack(nameText(data.subarray(off + REC_NAME_OFF, off + REC_NAME_OFF + len)));
    // Distinct raw names (the walk checked) that still read the same would hide one count.
    if (counts.has(name))
      throw corrupt(
        `two counter names read as ${JSON.stringify(name)} (the second at offset ${off})`,
      );
    counts.set(name, view.getBigUint64(off, le));
  });
  return { meta, counts };
}

/**
 * A name as text. Names that are not valid UTF-8 (no writer of ours stores one; Go's may)
 * show each invalid byte as the four characters `\xHH`, so that two such names stay apart
 * instead of both turning into U+FFFD.
 */
function nameText(raw: Uint8Array): string {
  utf8 ??= new TextDecoder('utf-8', { fatal: true });
  try {
    return utf8.decode(raw);
  } catch {
    let out = '';
    for (let i = 0; i < raw.length; ) {
      const n = validSequence(raw, i);
      if (n === 0) out += `\\x${raw[i]!.toString(16).padStart(2, '0')}`;
      else out += String.fromCodePoint(n === 1 ? raw[i]! : codePoint(raw, i, n));
      i += n || 1;
    }
    return out;
  }
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates), or 0. */
function validSequence(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const length =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  const lo = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const hi = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

function codePoint(bytes: Uint8Array, i: number, length: number): number {
  let cp = bytes[i]! & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
  return cp;
}

/**
 * Go's rule for a file without TimeBegin: take the date from the file name, and end the span
 * one day later (Go's own comment doubts the day; kept so both readers agree).
 */
function inferTimes(
  file: string,
  meta: Record<string, string>,
  corrupt: (why: string) => Error,
): void {
  if (!file.endsWith(FILE_SUFFIX) || file.length < '-2022-11-19'.length)
    throw corrupt('no TimeBegin, and no date in the file name');
  const date = file.slice(0, -FILE_SUFFIX.length).slice(-10);
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(date) || Number.isNaN(t))
    throw new CountFileError(file, 'ECORRUPT', 'invalid counter file name');
  meta.TimeBegin = `${date}T00:00:00Z`;
  meta.TimeEnd = `${new Date(t + 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
}

function parseMeta(bytes: Uint8Array, corrupt: (why: string) => Error): Record<string, string> {
  const nul = bytes.indexOf(0);
  const text = nameText(nul < 0 ? bytes : bytes.subarray(0, nul));
  const meta: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const sep = line.indexOf(': ');
    if (sep < 0) throw corrupt(`metadata line ${JSON.stringify(line)} has no ": "`);
    meta[line.slice(0, sep)] = line.slice(sep + 2);
  }
  return meta;
}
