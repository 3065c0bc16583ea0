// Writing a small file whole: write a temporary file beside it, then rename it over, so a
// concurrent reader sees the old or the new file, never half of one.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDir } from './make-dir.js';

/** Write-then-rename, so a concurrent reader sees the old or the new file, never half of one. */
export function writeAtomic(path: string, text: string | Uint8Array, mode = 0o666): void {
  makeDir(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
