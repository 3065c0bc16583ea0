// One merge run: every day that is over (UTC) and not merged yet, oldest first, under the
// store's merge lock, so one run at a time across replicas. Per day: read each report once,
// add it to its week's partial sums (kept in the store) and write the day's NDJSON (raw
// mode); aggregates mode marks it merged then, deleting its reports (merge-day.ts). Raw mode
// rewrites the aggregates of the weeks that changed, then marks the days merged. Then the weeks
// that closed: raw mode marks their aggregate final; aggregates mode releases each once, with
// k-anonymity and the optional noise, and drops its sums (publish-week.ts).
import type { Store } from '../store/index.js';
import { DEFAULT_BUDGET } from './budget.js';
import { mergeDay } from './merge-day.js';
import type { MergeOptions } from './options.js';
import { isFinal, publishWeek, release } from './publish-week.js';
import { loadState, stateWeeks } from './state.js';
import { addDays, isClosed, lastArrival, utcDay } from './week.js';

export { PART_BYTES, mergedPartPath, mergedPath } from './merge-day.js';
export { aggregatePath, isFinal } from './publish-week.js';
export type { MergeOptions } from './options.js';

export interface MergeResult {
  days: { day: string; reports: number }[];
  /** Weeks whose aggregate was written in this run. */
  weeks: string[];
  /** Weeks released final in this run (aggregates mode). */
  released: string[];
  late: number;
  /** Days that could not be merged: left for the next run, never blocking the days after. */
  skipped: { day: string; reason: string }[];
  /** Reports that held more than valuesPerReport counts: what lay beyond was not added. */
  capped: number;
  /** Days with stored reports that are not over yet (UTC): merged once they are. */
  waiting: string[];
  /** Aggregates mode with noise: closed weeks none of whose cells reached the threshold (not published). */
  withheldWeeks: string[];
  /** Aggregates mode: weeks with sums not released yet, and the first day a merge releases each. */
  open: { week: string; releasedFrom: string }[];
}

/** Runs one merge; null when another replica holds the merge lock. */
export function runMerge(store: Store, options: MergeOptions): Promise<MergeResult | null> {
  return store.withMergeLock(() => mergeAll(store, options));
}

async function mergeAll(store: Store, options: MergeOptions): Promise<MergeResult> {
  const today = utcDay(options.now);
  const mergedThrough = addDays(today, -1);
  const result: MergeResult = {
    days: [],
    weeks: [],
    released: [],
    withheldWeeks: [],
    late: 0,
    capped: 0,
    waiting: [],
    open: [],
    skipped: [],
  };
  const written = new Set<string>();
  const changed = new Set<string>();
  const pending: string[] = [];
  const unmerged = await store.unmergedDays();
  result.waiting = unmerged.filter((unmergedDay) => unmergedDay >= today);
  for (const day of unmerged.filter((unmergedDay) => unmergedDay < today)) {
    let merged;
    try {
      merged = await mergeDay(store, day, options, capOf(options));
    } catch (error) {
      // One day that cannot be merged (a report that does not read, a store error) must not
      // stop the days after it: it is reported and stays unmerged for the next run.
      result.skipped.push({ day, reason: (error as Error).message });
      continue;
    }
    const { reports, weeks, late, capped } = merged;
    result.days.push({ day, reports });
    result.late += late;
    result.capped += capped;
    for (const w of weeks) changed.add(w);
    // Aggregates mode: the day's reports are deleted as soon as its sums are kept.
    if (options.publish === 'aggregates') await store.markMerged(day, true);
    else pending.push(day);
  }
  if (options.publish === 'raw') {
    // The changed weeks are republished before their days are marked merged: a crash in
    // between makes the next run merge those days again (their sums are not added twice) and
    // publish then, rather than leave an aggregate without them.
    for (const w of [...changed].sort()) {
      await publishWeek(store, await loadState(store, w), options, isClosed(w, mergedThrough));
      written.add(w);
    }
    for (const day of pending) await store.markMerged(day, false);
  }
  for (const week of await stateWeeks(store)) {
    if (!isClosed(week, mergedThrough)) {
      const releasedFrom = addDays(lastArrival(week), 1);
      if (options.publish === 'aggregates') result.open.push({ week, releasedFrom });
      continue;
    }
    if (written.has(week)) continue;
    if (options.publish === 'raw') {
      if (await isFinal(store, week)) continue;
      await publishWeek(store, await loadState(store, week), options, true);
      written.add(week);
    } else {
      const s = await loadState(store, week);
      if (s.closed) continue;
      if (await release(store, s, options, mergedThrough)) {
        written.add(week);
        result.released.push(week);
      } else result.withheldWeeks.push(week);
    }
  }
  result.weeks = [...written].sort();
  return result;
}

/** Raw mode publishes the reports themselves: its aggregates add everything. */
const capOf = (options: MergeOptions): number =>
  options.publish === 'raw'
    ? Infinity
    : (options.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport);
