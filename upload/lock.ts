// A (collector, week)'s lock: `<week>.lock`, created with O_EXCL, holding the holder's pid, its
// process start time and a random nonce. Every change to that week's files happens under it.
// A lock whose holder is gone (no such pid, or the pid now belongs to a process started at
// another time) or that is older than LOCK_MAX_MS is broken: moved away to a unique name, then
// the moved file is checked to be the stale one read before; if another breaker replaced it
// in between, that fresh lock is linked back (link never overwrites). docs/upload.md.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { processStartWin32 } from '../counter/mmap/index.js';
import { makeDir } from '../safeio/index.js';

/** A holder runs one build and one POST (10 s) under a lock; anything older is a leftover. */
export const LOCK_MAX_MS = 10 * 60_000;

interface Holder {
  pid: number;
  start: string;
  nonce: string;
  time: number;
}

/**
 * Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); on Windows the creation
 * time from GetProcessTimes; "" where there is none (macOS), and the pid alone decides.
 */
export function processStart(pid: number): string {
  if (process.platform === 'win32') return processStartWin32(pid);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function alive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(holder.pid);
  return start === '' || holder.start === '' || start === holder.start;
}

function readHolder(file: string): { text: string; holder: Holder | null } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as Holder;
    return { text, holder: Number.isInteger(h.pid) && typeof h.nonce === 'string' ? h : null };
  } catch {
    return { text, holder: null };
  }
}

/** Whether the lock at `file` (if any) may be broken now. */
export function isStale(file: string, now = Date.now()): boolean {
  const r = readHolder(file);
  if (r === null) return false;
  let mtime = now;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return false;
  }
  if (now - mtime > LOCK_MAX_MS) return true;
  // A lock that does not parse is one being written right now (or garbage): age decides.
  return r.holder !== null && !alive(r.holder);
}

export interface Lock {
  file: string;
  release(): void;
}

/** Takes the lock, breaking a stale one; null when a live holder has it. Throws on I/O errors other than EEXIST. */
export function tryLock(file: string): Lock | null {
  const me: Holder = {
    pid: process.pid,
    start: processStart(process.pid),
    nonce: randomBytes(8).toString('hex'),
    time: Date.now(),
  };
  const text = JSON.stringify(me);
  makeDir(dirname(file));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { file, release: () => release(file, text) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (attempt > 0 || !breakStale(file)) return null;
  }
  return null;
}

/** Moves a stale lock away; true when the slot is free for an O_EXCL try. */
export function breakStale(file: string): boolean {
  const seen = readHolder(file);
  if (seen === null || !isStale(file)) return false;
  const away = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.broken`;
  try {
    renameSync(file, away);
  } catch {
    return false; // another breaker moved it first
  }
  const moved = readHolder(away);
  if (moved !== null && moved.text !== seen.text) {
    // We moved a fresh lock another breaker had just taken: give it back, never over a newer one.
    try {
      linkSync(away, file);
    } catch {
      // The slot was taken again meanwhile; its holder and the restored one's both re-check sent/.
    }
    rmSync(away, { force: true });
    return false;
  }
  rmSync(away, { force: true });
  return true;
}

function release(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) rmSync(file, { force: true });
  } catch {
    // Already gone (broken as stale): nothing of ours to remove.
  }
}
