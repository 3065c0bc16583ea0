// One day of a merge: each of its reports read once (through the store's reportsOf, a page at a
// time), added to its week's partial sums, and, in raw mode, written to the day's NDJSON in
// parts; then each week's state saved with the day listed, so a day merged again after a crash
// is not added twice.
import type { Store } from '../store/index.js';
import { type WeekCells, addReport, addWeek } from './cell.js';
import { WeekLabels } from './fold.js';
import { asLine, parseReport } from './report.js';
import type { MergeOptions } from './options.js';
import { type WeekState, loadState, saveState } from './state.js';
import { weekOf } from './week.js';

export const mergedPath = (day: string) => `merged/${day}.ndjson`;
/** A raw day is written in parts of about this many bytes, so no run holds a whole day. */
export const PART_BYTES = 16 * 1024 * 1024;
/** Part 1 is `merged/<day>.ndjson` (all of a day that fits); then `merged/<day>.<n>.ndjson`. */
export const mergedPartPath = (day: string, part: number) =>
  part === 1 ? mergedPath(day) : `merged/${day}.${part}.ndjson`;

/** The day's NDJSON, flushed a part at a time; the same reports give the same parts. */
function partWriter(store: Store, day: string, partBytes: number) {
  let lines: string[] = [];
  let bytes = 0;
  let part = 0;
  const flush = async (): Promise<void> => {
    part++;
    const text = lines.length ? lines.join('\n') + '\n' : '';
    await store.putPublished(mergedPartPath(day, part), Buffer.from(text));
    lines = [];
    bytes = 0;
  };
  return {
    async add(line: string): Promise<void> {
      lines.push(line);
      bytes += line.length + 1;
      if (bytes >= partBytes) await flush();
    },
    /** Writes what is left (part 1 even when the day is empty, as before parts). */
    end: async (): Promise<void> => (part === 0 || lines.length > 0 ? flush() : undefined),
  };
}
export interface DayMerged {
  reports: number;
  weeks: string[];
  late: number;
  capped: number;
}

export async function mergeDay(
  store: Store,
  day: string,
  options: MergeOptions,
  cap: number,
): Promise<DayMerged> {
  const byWeek = new Map<string, WeekCells>();
  const touched = new Map<string, number>();
  // The week states this day adds to, each with the labels it holds (fold.ts bounds them).
  const states = new Map<string, { state: WeekState; labels: WeekLabels }>();
  const raw =
    options.publish === 'raw' ? partWriter(store, day, options.partBytes ?? PART_BYTES) : null;
  let n = 0;
  let capped = 0;
  for await (const stored of store.reportsOf(day)) {
    let report;
    try {
      report = parseReport(stored.body);
    } catch (error) {
      // Nothing of this day is marked merged or deleted: a report that cannot be read stays.
      throw new Error(
        `day ${day}: report ${stored.week}/${stored.x} cannot be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const week = weekOf(report.week);
    let kept = states.get(week);
    if (!kept) {
      const state = await loadState(store, week);
      states.set(week, (kept = { state, labels: new WeekLabels(state.cells) }));
    }
    for (const entry of report.programs) kept.labels.fold(entry);
    const r = addReport(byWeek, report, cap);
    if (r.capped) capped++;
    touched.set(r.week, Math.max(touched.get(r.week) ?? 0, r.touched));
    await raw?.add(asLine(stored.body));
    n++;
  }
  let late = 0;
  for (const [week, cells] of byWeek) {
    const s = states.get(week)?.state ?? (await loadState(store, week));
    if (s.days.includes(day)) continue; // merged before a crash, not marked yet
    if (s.closed) {
      const n = [...cells.values()].reduce((sum, cell) => sum + cell.reports, 0);
      late += n;
      s.late += n;
    } else addWeek(s.cells, cells);
    s.days.push(day);
    s.days.sort();
    s.touched = Math.max(s.touched, touched.get(week) ?? 0);
    if (Number.isFinite(cap)) s.cap = Math.max(s.cap ?? 0, cap);
    await saveState(store, s);
  }
  await raw?.end();
  return { reports: n, weeks: [...byWeek.keys()], late, capped };
}
