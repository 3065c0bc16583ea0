// Calendar weeks of the published data. Each installation ends its week on its own weekday
// (docs/count-file.md, Weeks), so reports' `Week` dates fall on every day; the aggregates group them by the
// calendar week (Monday to Sunday, UTC) their `Week` falls in, named by that Sunday.
import { UPLOAD_WINDOW_DAYS } from '../../report/index.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(day: string): number | null {
  const m = DATE.exec(day);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return formatDay(t) === day ? t : null;
}

export function formatDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const t = parseDay(day);
  if (t === null) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  return formatDay(t + n * DAY_MS);
}

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The Sunday ending the calendar week that holds `day` (remembered: a merge asks for few days, often). */
export const weekOf = remembered(computeWeekOf, 100_000);

/**
 * `fn` with its answers kept, for the merge's per-report lookups that see few distinct inputs;
 * at most `cap` are kept, so a flood of distinct inputs costs time, never memory.
 */
export function remembered(fn: (key: string) => string, cap: number): (key: string) => string {
  const known = new Map<string, string>();
  return (key) => {
    let v = known.get(key);
    if (v === undefined) {
      v = fn(key);
      if (known.size < cap) known.set(key, v);
    }
    return v;
  };
}

function computeWeekOf(day: string): string {
  const t = parseDay(day);
  if (t === null) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  const dow = new Date(t).getUTCDay(); // 0 = Sunday
  return formatDay(t + ((7 - dow) % 7) * DAY_MS);
}

/**
 * The last arrival day that can still hold a report of week `week`: a report's `Week` is at
 * most the Sunday, and is accepted up to UPLOAD_WINDOW_DAYS after it; one more day allows for
 * intake's clock and the day boundary.
 */
export function lastArrival(week: string): string {
  return addDays(week, UPLOAD_WINDOW_DAYS + 1);
}

/** A week is closed once every day that could hold its reports is over and merged. */
export function isClosed(week: string, mergedThrough: string): boolean {
  return lastArrival(week) <= mergedThrough;
}
