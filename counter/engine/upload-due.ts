// Whether the background upload has anything to do (docs/upload.md, Due). Asked at most once per
// process, after open(), and only when the day's token is absent or stale: a few directory
// listings, each bounded, and no file read. The uploader's own layout (upload/: reports, locks,
// sent copies; local/: count files and local reports) is judged by file names and times alone.
// The module object, not named imports: opendirSync is a lazy getter that loads node's
// internal/fs/dir (~0.5 ms, more than the rest of the check), which an everyday open() (token
// fresh) must not pay for, nor a check of small directories (read in one readdirSync).
import fs, { type Dir, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Layout, counterSpan, readWeekend } from '../settings/index.js';

const DAY = 86_400_000;
/** Reports and sent copies older than this are the uploader's to delete. */
export const KEEP_MS = 56 * DAY;
/** A lock older than this is broken by the uploader (its LOCK_MAX_MS; counter/ cannot import upload/). */
export const STALE_LOCK_MS = 10 * 60_000;
/** At most this many names are read from one directory; more means something is there. */
const MAX_NAMES = 1000;
const MAX_COLLECTORS = 64;
/**
 * A directory whose size (as stat reports it) is at most this is read in one readdirSync: on
 * ext4 a few hundred names, a few thousand at most on any file system that reports a size.
 * Larger ones, and those reported as size 0 (Windows), are read through a capped opendirSync.
 */
const SMALL_DIR_BYTES = 16 * 1024;

const COUNT_FILE = /-(\d{4}-\d{2}-\d{2})\.v1\.count$/;
const WEEK_JSON = /^(\d{4}-\d{2}-\d{2})\.json$/;
const LOCAL_REPORT = /^local\.(\d{4}-\d{2}-\d{2})\.json$/;
const COLLECTOR_DIR = /^[0-9a-f]{16}$/;

/** Why an upload run is due (for the debug log), or null when there is nothing to do. */
export function uploadDue(dirs: Layout, now: Date): string | null {
  const local = names(dirs.localDir);
  return endedWeek(dirs, local, now) ?? oldLocalReport(local, now) ?? pendingUpload(dirs, now);
}

/** A count file whose week has ended: its report can be built. */
function endedWeek(dirs: Layout, local: string[], now: Date): string | null {
  let weekend: number | null | undefined;
  for (const name of local) {
    const begin = dateOf(COUNT_FILE.exec(name)?.[1]);
    if (begin === null) continue;
    // A week lasts 1 to 7 days from its begin day (counterSpan), so only a file begun between
    // 1 and 7 days ago needs the weekends file (unreadable: 7 days, so such a file has not ended).
    if (begin + 7 * DAY <= now.getTime()) return 'a count file whose week has ended';
    if (begin + DAY > now.getTime()) continue;
    if (weekend === undefined) weekend = weekendOrNull(dirs);
    if (weekend !== null && counterSpan(new Date(begin), weekend).end.getTime() <= now.getTime())
      return 'a count file whose week has ended';
  }
  return null;
}

/** A report waiting to be sent, a lock left by a run that died, or a sent copy to delete. */
function pendingUpload(dirs: Layout, now: Date): string | null {
  const collectors = names(dirs.uploadDir).filter((name) => COLLECTOR_DIR.test(name));
  for (const cid of collectors.slice(0, MAX_COLLECTORS)) {
    const dir = join(dirs.uploadDir, cid);
    for (const name of names(dir)) {
      if (WEEK_JSON.test(name)) return 'a report waiting to be sent';
      if (name.endsWith('.lock') && olderThan(join(dir, name), now, STALE_LOCK_MS))
        return 'a stale lock';
    }
    for (const name of names(join(dir, 'sent'))) {
      const week = dateOf(WEEK_JSON.exec(name)?.[1]);
      if (week !== null && week < now.getTime() - KEEP_MS) return 'a sent report to delete';
    }
  }
  return null;
}

function oldLocalReport(local: string[], now: Date): string | null {
  for (const name of local) {
    const week = dateOf(LOCAL_REPORT.exec(name)?.[1]);
    if (week !== null && week < now.getTime() - KEEP_MS) return 'a local report to delete';
  }
  return null;
}

function weekendOrNull(dirs: Layout): number | null {
  try {
    return readWeekend(dirs);
  } catch {
    return null;
  }
}

/** Up to MAX_NAMES names in `dir`; none when it is absent, not a directory or unreadable. */
function names(dir: string): string[] {
  try {
    // A stat first: an absent directory (often upload/) costs no exception, and the size says
    // whether one readdirSync is bounded.
    const s = statSync(dir, { throwIfNoEntry: false });
    if (s === undefined || !s.isDirectory()) return [];
    if (s.size > 0 && s.size <= SMALL_DIR_BYTES) return readdirSync(dir).slice(0, MAX_NAMES);
  } catch {
    return [];
  }
  return namesCapped(dir);
}

/** Reads at most MAX_NAMES entries, however large the directory. */
function namesCapped(dir: string): string[] {
  const out: string[] = [];
  let d: Dir | undefined;
  try {
    d = fs.opendirSync(dir);
    for (let e = d.readSync(); e !== null && out.length < MAX_NAMES; e = d.readSync())
      out.push(e.name);
  } catch {
    // Absent or not a directory: nothing there to do.
  } finally {
    try {
      d?.closeSync();
    } catch {
      // Already closed.
    }
  }
  return out;
}

function olderThan(file: string, now: Date, ageMs: number): boolean {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats !== undefined && stats.mtimeMs < now.getTime() - ageMs;
}

/** Midnight UTC of a `YYYY-MM-DD` in ms, or null. */
function dateOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}
