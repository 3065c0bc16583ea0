// Failures inside the counter must stay invisible to the host, but a user who wants to know
// can create `<dir>/debug/`; only then is anything written, one log file per process.
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from './dir.js';

let cachedDir: string | null | undefined;
let cachedFor: string | undefined;
/** Lines waiting for `flushDebug`: code that must not do I/O (an increment) queues instead. */
const queued: Array<[Layout | null, string, Date]> = [];

/** Keeps a line for the next `flushDebug` (the engine's maintenance step, or exit). */
export function queueDebug(dirs: Layout | null, message: string, now: Date = new Date()): void {
  if (dirs !== null && queued.length < MAX_QUEUED) queued.push([dirs, message, now]);
}
const MAX_QUEUED = 100;

/** Writes the queued lines. */
export function flushDebug(): void {
  for (const [dirs, message, now] of queued.splice(0)) debugLog(dirs, message, now);
}

export function debugLog(dirs: Layout | null, message: string, now: Date = new Date()): void {
  if (dirs === null) return;
  try {
    if (cachedFor !== dirs.debugDir) {
      cachedFor = dirs.debugDir;
      cachedDir = isDir(dirs.debugDir) ? dirs.debugDir : null;
    }
    if (!cachedDir) return;
    const day = now.toISOString().slice(0, 10).replaceAll('-', '');
    const file = join(cachedDir, `counter-${day}-${process.pid}.log`);
    appendFileSync(file, `${now.toISOString()} ${message}\n`);
  } catch {
    // Logging is best effort by design.
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
