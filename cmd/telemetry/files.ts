// The files the CLI lists and deletes besides the mode files: count files and reports.
// Reports are `local/<date>.json` (waiting to be sent), `local/local.<date>.json` (kept
// on this machine only) and `upload/<date>.json` (sent).
import { readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Layout } from '../../counter/dir.js';
import { listCountFiles } from '../../counter/read.js';
import { reason } from './context.js';

export interface Reports {
  pending: string[];
  localOnly: string[];
  uploaded: string[];
}

export function listReports(dirs: Layout): Reports {
  const local = jsonFiles(dirs.localDir);
  return {
    pending: local.filter((f) => !basename(f).startsWith('local.')),
    localOnly: local.filter((f) => basename(f).startsWith('local.')),
    uploaded: jsonFiles(dirs.uploadDir),
  };
}

/**
 * What `clean` and `off --purge` delete: count files and reports. The mode files, notices
 * and `local/weekends` stay, so choices and the week boundary survive a clean.
 */
export function dataFiles(dirs: Layout): string[] {
  const r = listReports(dirs);
  return [...listCountFiles(dirs), ...r.pending, ...r.localOnly, ...r.uploaded];
}

/**
 * Deletes each file, carrying on past failures; one already gone counts as done. A count
 * file still mapped by a running tool can be deleted on Linux and macOS: the process keeps
 * its mapping and opens a new file at its next rotation.
 */
export function removeFiles(files: readonly string[]): { removed: number; errors: string[] } {
  let removed = 0;
  const errors: string[] = [];
  for (const f of files) {
    try {
      rmSync(f, { force: true });
      removed++;
    } catch (e) {
      errors.push(`cannot delete ${f}: ${reason(e as NodeJS.ErrnoException)}`);
    }
  }
  return { removed, errors };
}

function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
}

