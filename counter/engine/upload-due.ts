// Whether the background upload has anything to do (DESIGN.md §15). Asked at most once per
// process, after open(), and only when the day's token is absent or stale: a few directory
// listings, each bounded, and no file read. The uploader's own layout (upload/: reports, locks,
// sent copies; local/: count files and local reports) is judged by file names and times alone.
// The module object, not named imports: opendirSync is a lazy getter that loads node's
// internal/fs/dir, which an everyday open() (token fresh) must not pay for.
import fs, { type Dir, statSync } from 'node:fs';
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
  const weekend = weekendOrNull(dirs);
  for (const name of local) {
    const begin = dateOf(COUNT_FILE.exec(name)?.[1]);
    if (begin === null) continue;
    // No week is longer than 7 days, so without the weekends file a file 7 days old has ended.
    const end = weekend === null ? begin + 7 * DAY : counterSpan(new Date(begin), weekend).end.getTime();
    if (end <= now.getTime()) return 'a count file whose week has ended';
  }
  return null;
}

/** A report waiting to be sent, a lock left by a run that died, or a sent copy to delete. */
function pendingUpload(dirs: Layout, now: Date): string | null {
  const collectors = names(dirs.uploadDir).filter((n) => COLLECTOR_DIR.test(n));
  for (const cid of collectors.slice(0, MAX_COLLECTORS)) {
    const dir = join(dirs.uploadDir, cid);
    for (const name of names(dir)) {
      if (WEEK_JSON.test(name)) return 'a report waiting to be sent';
      if (name.endsWith('.lock') && olderThan(join(dir, name), now, STALE_LOCK_MS)) return 'a stale lock';
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
  const out: string[] = [];
  let d: Dir | undefined;
  try {
    d = fs.opendirSync(dir);
    for (let e = d.readSync(); e !== null && out.length < MAX_NAMES; e = d.readSync()) out.push(e.name);
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

function olderThan(file: string, now: Date, ms: number): boolean {
  const s = statSync(file, { throwIfNoEntry: false });
  return s !== undefined && s.mtimeMs < now.getTime() - ms;
}

/** Midnight UTC of a `YYYY-MM-DD` in ms, or null. */
function dateOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}
