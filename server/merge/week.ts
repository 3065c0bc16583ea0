// Calendar weeks of the published data. Each installation ends its week on its own weekday
// (docs/count-file.md, Weeks), so reports' `Week` dates fall on every day; the aggregates group them by the
// calendar week (Monday to Sunday, UTC) their `Week` falls in, named by that Sunday.
import { UPLOAD_WINDOW_DAYS } from '../../report/index.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(day: string): number | null {
  const match = DATE.exec(day);
  if (!match) return null;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return formatDay(time) === day ? time : null;
}

export function formatDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const time = parseDay(day);
  if (time === null) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  return formatDay(time + days * DAY_MS);
}

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The Sunday ending the calendar week that holds `day` (remembered: a merge asks for few days, often). */
export const weekOf = remembered(computeWeekOf, 100_000);

/**
 * `compute` with its answers kept, for the merge's per-report lookups that see few distinct inputs;
 * at most `cap` are kept, so a flood of distinct inputs costs time, never memory.
 */
export function remembered(compute: (key: string) => string, cap: number): (key: string) => string {
  const known = new Map<string, string>();
  return (key) => {
    let answer = known.get(key);
    if (answer === undefined) {
      answer = compute(key);
      if (known.size < cap) known.set(key, answer);
    }
    return answer;
  };
}

function computeWeekOf(day: string): string {
  const time = parseDay(day);
  if (time === null) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  const dow = new Date(time).getUTCDay(); // 0 = Sunday
  return formatDay(time + ((7 - dow) % 7) * DAY_MS);
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
