// Creating the telemetry directory, one level at a time. Node's own `mkdirSync(p, {recursive})`
// loops forever where mkdir keeps answering ENOENT for a parent that exists (e.g. under
// /proc), at 100% CPU in the host. Here the work is bounded by the number of path components,
// and every failure names the folder and the reason.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `path` and any missing parents; throws `cannot create <dir>: <reason>` otherwise. */
export function makeDir(path: string): void {
  const missing: string[] = [];
  // Up to the nearest thing that exists; it must be a directory.
  for (let dir = resolve(path); ; ) {
    const st = stat(dir);
    if (st === 'dir') break;
    if (st === 'other') throw failure(path, 'ENOTDIR', `${dir} is not a directory`);
    missing.push(dir);
    const up = dirname(dir);
    if (up === dir) throw failure(path, 'ENOENT', 'no root directory');
    dir = up;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // Another process may have made it meanwhile: fine if it is a directory.
      if (err.code === 'EEXIST' && stat(dir) === 'dir') continue;
      throw failure(
        dir,
        err.code ?? 'EIO',
        err.code === 'EEXIST' ? 'something else is there' : errnoReason(err),
      );
    }
  }
}

function stat(dir: string): 'dir' | 'other' | 'none' {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    return st === undefined ? 'none' : st.isDirectory() ? 'dir' : 'other';
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // ENOTDIR: a parent is a file; the walk up finds it and says so.
    if (err.code === 'ENOTDIR') return 'none';
    throw failure(dir, err.code ?? 'EIO', errnoReason(err));
  }
}

/** Shaped like Node's own errors (code, path), so callers that word those word this too. */
function failure(path: string, code: string, reason: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`cannot create ${path}: ${reason} (${code})`), { code, path });
}

/** Short words for what mkdir and stat answer; anything rarer keeps Node's own message. */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a path component is not a directory',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EPERM: 'operation not permitted',
};

function errnoReason(err: NodeJS.ErrnoException): string {
  return (err.code && WORDS[err.code]) ?? err.message ?? String(err);
}
