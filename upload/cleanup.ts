// Bounded local data (docs/upload.md, Cleanup): count files, local reports, sent copies, drop records and
// omission notes older than KEEP_WEEKS weeks; finished count files with no counters; stale
// locks; temporary leftovers. A file that cannot be read or parsed is left alone and logged;
// a pending report is never removed here (the send phase moves one that aged out to dropped/).
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isUnreadable, readText } from '../safeio/index.js';
import { ageDays } from './gather.js';
import { decodeReport } from '../report/index.js';
import { isStale } from './lock.js';
import { CID_RE, collectorPaths, WEEK_RE } from './paths.js';
import type { RunContext } from './context.js';
import { listNames } from './store.js';

export const KEEP_WEEKS = 8;
const TEMP_MAX_MS = 60 * 60_000;

export function cleanup(ctx: RunContext): void {
  const { work, summary, dirs } = ctx;
  const old = (week: string): boolean => ageDays(week, summary.today) > KEEP_WEEKS * 7;
  // A report, copy or record goes only when its week is old and the file has been there as long:
  // one written today about an old week (a machine back after months) stays for the user to see.
  const oldFile = (week: string, file: string): boolean =>
    old(week) && ctx.now.getTime() - mtime(file) > KEEP_WEEKS * 7 * 86_400_000;
  const remove = (file: string, why: string): void => {
    try {
      rmSync(file, { force: true });
      summary.cleaned.push(file);
      ctx.log(`removed ${file} (${why})`);
    } catch (e) {
      summary.errors.push(`${file}: ${(e as Error).message}`);
    }
  };
  for (const w of work.weeks) {
    for (const f of w.files) {
      if (old(w.week)) remove(f.file, `older than ${KEEP_WEEKS} weeks`);
      else if (f.counts.size === 0) remove(f.file, 'finished with no counters');
    }
  }
  // Active files are never touched: a process may be counting into them.
  for (const name of listNames(dirs.localDir)) {
    const m = /^local\.(\d{4}-\d\d-\d\d)\.json$/.exec(name);
    const file = join(dirs.localDir, name);
    if (m && oldFile(m[1]!, file)) removeReport(file, remove, summary.unreadable);
    else if (/\.tmp$/.test(name)) removeTemp(file, remove);
  }
  for (const cid of listNames(dirs.uploadDir).filter((name) => CID_RE.test(name))) {
    const p = collectorPaths(dirs, cid);
    for (const name of listNames(p.dir)) {
      const file = join(p.dir, name);
      if (name.endsWith('.lock') && isStale(file)) remove(file, 'stale lock');
      else if (/\.(tmp|broken)$/.test(name)) removeTemp(file, remove);
    }
    for (const dir of [p.sentDir, p.droppedDir, p.omittedDir]) {
      for (const name of listNames(dir)) {
        const file = join(dir, name);
        const week = name.slice(0, 10);
        if (/\.tmp$/.test(name)) removeTemp(file, remove);
        else if (WEEK_RE.test(week) && name.endsWith('.json') && oldFile(week, file)) {
          if (dir === p.omittedDir || (dir === p.droppedDir && !name.endsWith('.report.json')))
            remove(file, `older than ${KEEP_WEEKS} weeks`);
          else removeReport(file, remove, summary.unreadable);
        }
      }
    }
  }
}

/** A report is removed only if it reads as one: what cannot be read is left for the user to look at. */
function removeReport(
  file: string,
  remove: (f: string, why: string) => void,
  unreadable: string[],
): void {
  const t = readText(file, 1 << 20);
  try {
    if (isUnreadable(t)) throw new Error(t.reason);
    decodeReport(t);
  } catch (e) {
    unreadable.push(`${file}: ${(e as Error).message}`);
    return;
  }
  remove(file, `older than ${KEEP_WEEKS} weeks`);
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function removeTemp(file: string, remove: (f: string, why: string) => void): void {
  try {
    if (Date.now() - statSync(file).mtimeMs > TEMP_MAX_MS) remove(file, 'temporary leftover');
  } catch {
    // Gone already.
  }
}
