// Finding and reading count files for the tools that show them (CLI, viewer, uploader).
// Reading never changes a file, so a malformed one is reported and left exactly as it was.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_SUFFIX } from './format.js';
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
  try {
    const parsed = parseCountFile(file, readFileSync(file));
    return { file, ...parsed, info: fileInfo(parsed.meta) };
  } catch (e) {
    if (e instanceof CountFileError) return { file, error: e.message };
    const err = e as NodeJS.ErrnoException;
    return { file, error: `${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message}` };
  }
}

/** A file is active until its TimeEnd instant; after that it only waits to be reported. */
export function isActive(info: FileInfo, now: Date = new Date()): boolean {
  const end = Date.parse(info.timeEnd);
  return Number.isFinite(end) && end > now.getTime();
}
