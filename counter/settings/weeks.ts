// Weekly spans. Each installation picks a random weekday once (`local/weekends`); every count
// file ends at 00:00 UTC on that weekday, 1 to 7 days after the day it was opened.
import { writeFileSync } from 'node:fs';
import type { Layout } from './dir.js';
import {
  isUnreadable,
  makeDir,
  readText,
  type Unreadable,
  unreadableText,
} from '../../safeio/index.js';
import { CAPS } from './caps.js';

const DAY = 86_400_000;

/** `YYYY-MM-DD` in UTC. Built by hand: the first toISOString() in a process costs up to 1 ms. */
export function dateString(date: Date): string {
  const pad = (value: number) => (value < 10 ? `0${value}` : `${value}`);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Midnight UTC of `date`'s day, as count-file metadata writes it. */
export function timeString(date: Date): string {
  return `${dateString(date)}T00:00:00Z`;
}

export interface Span {
  begin: Date;
  end: Date;
}

/** The span of a file opened at `now` when weeks end on `weekend` (0 = Sunday … 6 = Saturday). */
export function counterSpan(now: Date, weekend: number): Span {
  const begin = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  let incr = weekend - begin.getUTCDay();
  if (incr <= 0) incr += 7;
  return { begin, end: new Date(begin.getTime() + incr * DAY) };
}

/**
 * Reads the installation's week-end day, creating it on first use. Two processes may race to
 * create it; both re-read the file afterwards, so at worst the first file's span differs.
 * A file that exists but cannot be read throws (the process counts in memory): it is never
 * created over.
 */
export function readWeekend(dirs: Layout): number {
  const first = readText(dirs.weekendsFile, CAPS.word);
  if (isUnreadable(first) && !first.absent) throw new Error(unreadableText(first));
  // Empty may be another process between its exclusive create and its write: look again below.
  const day = isUnreadable(first) ? null : parseWeekend(first);
  if (day !== null) return day;
  makeDir(dirs.localDir);
  try {
    // Math.random, not node:crypto: the day needs no secrecy, and crypto costs every tool ~5 ms to load.
    writeFileSync(dirs.weekendsFile, `${Math.floor(Math.random() * 7)}\n`, {
      flag: 'wx',
      mode: 0o666,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return weekendOf(dirs.weekendsFile, readText(dirs.weekendsFile, CAPS.word));
}

/** Why the existing weekends file cannot be used (the process then counts in memory); null when absent or fine. Never writes. */
export function weekendProblem(dirs: Layout): Unreadable | null {
  const text = readText(dirs.weekendsFile, CAPS.word);
  if (isUnreadable(text)) return text.absent ? null : text;
  return parseWeekend(text) === null
    ? { file: dirs.weekendsFile, absent: false, reason: 'is empty or malformed' }
    : null;
}

function weekendOf(file: string, text: string | Unreadable): number {
  if (isUnreadable(text)) throw new Error(unreadableText(text));
  const day = parseWeekend(text);
  if (day === null) throw new Error(`${file}: empty or malformed weekends file`);
  return day;
}

/** Go's rule: the first character's digit value, modulo 7. */
export function parseWeekend(text: string | null): number | null {
  const t = text?.trim();
  if (!t) return null;
  return (((t.charCodeAt(0) - 48) % 7) + 7) % 7;
}
