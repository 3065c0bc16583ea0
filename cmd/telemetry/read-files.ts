// Reading the count files a command was asked about: the named ones, or every count file
// in local/. Malformed files are reported on stderr and skipped, so one bad file never
// hides the others; the caller fails at the end.
import { listCountFiles, readCountFile, type ReadOk } from '../../counter/countfile/index.js';
import type { Context } from './context.js';

export interface Loaded {
  files: ReadOk[];
  failed: number;
}

export function loadCountFiles(ctx: Context, named: readonly string[]): Loaded {
  const paths = named.length > 0 ? named : listCountFiles(ctx.dirs.localDir);
  const files: ReadOk[] = [];
  let failed = 0;
  for (const path of paths) {
    const r = readCountFile(path);
    if ('error' in r) {
      ctx.err(`error: ${r.error}\n`);
      failed++;
    } else files.push(r);
  }
  return { files, failed };
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
