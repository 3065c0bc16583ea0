// Finding and reading count files for the tools that show them (CLI, viewer, uploader).
// Reading never changes a file, so a malformed one is reported and left exactly as it was.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_SUFFIX, HDR_PREFIX, MAX_READ_LEN } from './format.js';
import { CountFileError, parseCountFile, type CountFile } from './parse.js';
import { isUnreadable, readBytes } from '../../safeio/index.js';

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
  return names
    .filter((name) => name.endsWith(FILE_SUFFIX))
    .sort()
    .map((name) => join(dir, name));
}

export function readCountFile(file: string): ReadOk | ReadFailed {
  const bytes = readBounded(file);
  if (typeof bytes === 'string') return { file, error: `${file}: ${bytes}` };
  if (bytes.length === 0) return { file, error: `${file}: is empty, not a count file` };
  if (!startsWithHeader(bytes))
    return { file, error: `${file}: not a count file (it does not start with the v1 header)` };
  try {
    const parsed = parseCountFile(file, bytes);
    return { file, ...parsed, info: fileInfo(parsed.meta) };
  } catch (e) {
    return {
      file,
      error: e instanceof CountFileError ? e.message : `${file}: ${(e as Error)?.message ?? e}`,
    };
  }
}

/** The whole file, or why not, in a count file's words: the reading rules are safeio's. */
function readBounded(file: string): Uint8Array | string {
  const r = readBytes(file, MAX_READ_LEN);
  if (!isUnreadable(r)) return r;
  if (r.reason === 'is a directory') return 'is a directory, not a count file';
  if (r.reason.startsWith('is not a regular file')) return 'is not a regular file';
  if (r.reason.startsWith('is too large'))
    return r.reason.replace('is too large', 'is too large to be a count file');
  return r.reason;
}

function startsWithHeader(bytes: Uint8Array): boolean {
  if (bytes.length < HDR_PREFIX.length) return false;
  for (let i = 0; i < HDR_PREFIX.length; i++)
    if (bytes[i] !== HDR_PREFIX.charCodeAt(i)) return false;
  return true;
}

/** A file is active until its TimeEnd instant; after that it only waits to be reported. */
export function isActive(info: FileInfo, now: Date = new Date()): boolean {
  const end = Date.parse(info.timeEnd);
  return Number.isFinite(end) && end > now.getTime();
}
