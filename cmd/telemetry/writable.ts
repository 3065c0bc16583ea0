// Whether tools can create count files in a directory. When they cannot, they count in
// memory and lose it all at exit, which `status` must say rather than show "0 count files".
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { reason } from './context.js';

/** Null when `dir` exists and is writable, or could be created; else why not, in words. */
export function unwritable(dir: string): string | null {
  // The nearest part of the path that exists decides: tools create what is missing below it.
  for (let p = dir; ; p = dirname(p)) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if ((err.code === 'ENOENT' || err.code === 'ENOTDIR') && dirname(p) !== p) continue;
      return `${dir} is not writable (${reason(err)})`;
    }
    if (!isDir) return `${dir} is not writable (${p} is not a directory)`;
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
      return null;
    } catch (e) {
      return `${dir} is not writable (${p}: ${reason(e as NodeJS.ErrnoException)})`;
    }
  }
}
