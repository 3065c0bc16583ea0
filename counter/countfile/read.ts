// Finding and reading count files for the tools that show them (CLI, viewer, uploader).
// Reading never changes a file, so a malformed one is reported and left exactly as it was.
import { type Stats, closeSync, constants, fstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_SUFFIX, HDR_PREFIX, MAX_READ_LEN } from './format.js';
import { CountFileError, parseCountFile, type CountFile } from './parse.js';

export interface ReadOk extends CountFile {
  file: string;
  /** Metadata under this toolkit's key names, whichever implementation wrote the file. */
  info: FileInfo;
}

export interface ReadFailed {
  file: string;
  error: string;
}

export interface FileInfo {
  program: string;
  version: string;
  runtime: string;
  os: string;
  arch: string;
  timeBegin: string;
  timeEnd: string;
}

/** Go writes GoVersion/GOOS/GOARCH where this toolkit writes Runtime/OS/Arch; accept both. */
export function fileInfo(meta: Record<string, string>): FileInfo {
  return {
    program: meta.Program ?? '',
    version: meta.Version ?? '',
    runtime: meta.Runtime ?? meta.GoVersion ?? '',
    os: meta.OS ?? meta.GOOS ?? '',
    arch: meta.Arch ?? meta.GOARCH ?? '',
    timeBegin: meta.TimeBegin ?? '',
    timeEnd: meta.TimeEnd ?? '',
  };
}

/** Every `*.v1.count` path in `dir` (the layout's `local/`), sorted; an absent folder simply has none. */
export function listCountFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(FILE_SUFFIX)).sort().map((n) => join(dir, n));
}

export function readCountFile(file: string): ReadOk | ReadFailed {
  const bytes = readBounded(file);
  if (typeof bytes === 'string') return { file, error: `${file}: ${bytes}` };
  if (bytes.length === 0) return { file, error: `${file}: is empty, not a count file` };
  if (!startsWithHeader(bytes)) return { file, error: `${file}: not a count file (it does not start with the v1 header)` };
  try {
    const parsed = parseCountFile(file, bytes);
    return { file, ...parsed, info: fileInfo(parsed.meta) };
  } catch (e) {
    return { file, error: e instanceof CountFileError ? e.message : `${file}: ${(e as Error)?.message ?? e}` };
  }
}

// Non-blocking, so that a FIFO named *.v1.count cannot hang the command that lists it.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * The whole file, or why not: regular files only (checked on the open descriptor), at most
 * MAX_READ_LEN bytes. The same rules as settings/read-text.ts, which this room cannot import.
 */
function readBounded(file: string): Uint8Array | string {
  let fd: number | undefined;
  try {
    // Checked before opening too: opening some devices has side effects (a tape rewinds).
    const early = refusal(statSync(file));
    if (early) return early;
    fd = openSync(file, FLAGS);
    const st = fstatSync(fd);
    const late = refusal(st);
    if (late) return late;
    const buf = new Uint8Array(st.size);
    let n = 0;
    for (let got = 1; n < buf.length && got > 0; n += got) got = readSync(fd, buf, n, buf.length - n, n);
    return n === buf.length ? buf : buf.subarray(0, n);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return READ_ERRORS[err.code ?? ''] ?? err.message;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function refusal(st: Stats): string | null {
  if (st.isDirectory()) return 'is a directory, not a count file';
  if (!st.isFile()) return 'is not a regular file';
  if (st.size > MAX_READ_LEN) return `is too large to be a count file (${st.size} bytes; the limit is ${MAX_READ_LEN / 1024 / 1024} MiB)`;
  return null;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a count file',
  ENXIO: 'is not a regular file',
  ELOOP: 'too many symbolic links',
};

function startsWithHeader(bytes: Uint8Array): boolean {
  if (bytes.length < HDR_PREFIX.length) return false;
  for (let i = 0; i < HDR_PREFIX.length; i++) if (bytes[i] !== HDR_PREFIX.charCodeAt(i)) return false;
  return true;
}

/** A file is active until its TimeEnd instant; after that it only waits to be reported. */
export function isActive(info: FileInfo, now: Date = new Date()): boolean {
  const end = Date.parse(info.timeEnd);
  return Number.isFinite(end) && end > now.getTime();
}
