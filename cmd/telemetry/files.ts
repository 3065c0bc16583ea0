// The files the CLI deletes besides the mode files: count files and reports.
import { rmSync } from 'node:fs';
import { listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import { type Layout, listReports } from '../../counter/settings/index.js';
import { reason } from './context.js';

/**
 * What `clean` and `off --purge` delete: count files and reports. The mode files, notices
 * and `local/weekends` stay, so choices and the week boundary survive a clean. For one
 * program, only its own count files: reports mix programs, so they stay.
 */
export function dataFiles(
  dirs: Layout,
  program: string | null = null,
): { counts: string[]; reports: string[] } {
  if (program !== null) return { counts: programCountFiles(dirs, program), reports: [] };
  const r = listReports(dirs);
  return {
    counts: listCountFiles(dirs.localDir),
    reports: [...r.pending, ...r.localOnly, ...r.uploaded],
  };
}

/** The count files whose metadata names `program`; files that cannot be read are not its. */
function programCountFiles(dirs: Layout, program: string): string[] {
  return listCountFiles(dirs.localDir).filter((file) => {
    const r = readCountFile(file);
    return 'info' in r && r.info.program === program;
  });
}

/**
 * Deletes each file, carrying on past failures; one already gone counts as done. A count
 * file still mapped by a running tool can be deleted on Linux and macOS: the process keeps
 * its mapping and opens a new file at its next rotation. Windows refuses to delete a file a
 * running process has mapped: that file stays, and the error says to run clean again later.
 */
export function removeFiles(
  files: readonly string[],
  platform = process.platform,
): { removed: number; errors: string[] } {
  let removed = 0;
  const errors: string[] = [];
  for (const f of files) {
    try {
      rmSync(f, { force: true });
      removed++;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const inUse = platform === 'win32' && IN_USE.has(err.code ?? '');
      errors.push(`cannot delete ${f}: ${inUse ? IN_USE_TEXT : reason(err)}`);
    }
  }
  return { removed, errors };
}

/** How Windows refuses to delete a file that a running process has open or mapped. */
const IN_USE = new Set(['EPERM', 'EBUSY', 'EACCES']);
const IN_USE_TEXT =
  'a running program has it open, or deleting it is not permitted; ' +
  'Windows cannot delete a file a running program has mapped: run clean again once it has exited';
