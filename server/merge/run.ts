// One merge run: every day that is over (UTC) and not merged yet, oldest first, under the
// store's merge lock, so one run at a time across replicas. Per day: read each report once,
// add it to its week's partial sums (kept in the store) and write the day's NDJSON (raw
// mode); aggregates mode marks it merged then, deleting its reports. Raw mode rewrites the
// aggregates of the weeks that changed, then marks the days merged. Then the weeks that
// closed: raw mode marks their aggregate final; aggregates mode releases each once, with
// k-anonymity and the optional noise, and drops its sums.
import type { Store } from '../store/index.js';
import { type PublishMode, type WeekAggregate, buildAggregate } from './aggregate.js';
import { type WeekCells, addReport, addWeek } from './cell.js';
import { aggregateToCSV } from './csv.js';
import { DEFAULT_BUDGET } from './budget.js';
import { appendRelease } from './ledger.js';
import type { Uniform } from './noise.js';
import { asLine, parseReport } from './report.js';
import { type WeekState, loadState, saveState, stateWeeks } from './state.js';
import { stringifyExact } from './sum.js';
import { WeekLabels } from './fold.js';
import { addDays, isClosed, lastArrival, utcDay, weekOf } from './week.js';

export interface MergeOptions {
  publish: PublishMode;
  /** Fewest reports behind any published number (aggregates mode). */
  k: number;
  /**
   * Aggregates mode: the privacy budget per report and release (budget.ts); unset: no noise,
   * k alone (the commands set DEFAULT_BUDGET unless told --no-noise-k-only-unsafe).
   */
  epsilon?: number | undefined;
  delta?: number | undefined;
  /** Aggregates mode: the most published counts one report may change (default 64). */
  valuesPerReport?: number | undefined;
  /** The clock: days before now's UTC day are over. */
  now: Date;
  uniform?: Uniform | undefined;
  /** Bytes per part of a raw day's NDJSON (PART_BYTES; smaller in tests). */
  partBytes?: number | undefined;
}

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
export const aggregatePath = (week: string, ext: 'json' | 'csv') => `aggregates/${week}.${ext}`;

/** Runs one merge; null when another replica holds the merge lock. */
export function runMerge(store: Store, o: MergeOptions): Promise<MergeResult | null> {
  return store.withMergeLock(() => mergeAll(store, o));
}

async function mergeAll(store: Store, o: MergeOptions): Promise<MergeResult> {
  const today = utcDay(o.now);
  const mergedThrough = addDays(today, -1);
  const result: MergeResult = {
    days: [], weeks: [], released: [], withheldWeeks: [], late: 0, capped: 0, waiting: [], open: [],
    skipped: [],
  };
  const written = new Set<string>();
  const changed = new Set<string>();
  const pending: string[] = [];
  const unmerged = await store.unmergedDays();
  result.waiting = unmerged.filter((d) => d >= today);
  for (const day of unmerged.filter((d) => d < today)) {
    let merged;
    try {
      merged = await mergeDay(store, day, o, capOf(o));
    } catch (e) {
      // One day that cannot be merged (a report that does not read, a store error) must not
      // stop the days after it: it is reported and stays unmerged for the next run.
      result.skipped.push({ day, reason: (e as Error).message });
      continue;
    }
    const { reports, weeks, late, capped } = merged;
    result.days.push({ day, reports });
    result.late += late;
    result.capped += capped;
    for (const w of weeks) changed.add(w);
    // Aggregates mode: the day's reports are deleted as soon as its sums are kept.
    if (o.publish === 'aggregates') await store.markMerged(day, true);
    else pending.push(day);
  }
  if (o.publish === 'raw') {
    // The changed weeks are republished before their days are marked merged: a crash in
    // between makes the next run merge those days again (their sums are not added twice) and
    // publish then, rather than leave an aggregate without them.
    for (const w of [...changed].sort()) {
      await publishWeek(store, await loadState(store, w), o, isClosed(w, mergedThrough));
      written.add(w);
    }
    for (const day of pending) await store.markMerged(day, false);
  }
  for (const week of await stateWeeks(store)) {
    if (!isClosed(week, mergedThrough)) {
      const releasedFrom = addDays(lastArrival(week), 1);
      if (o.publish === 'aggregates') result.open.push({ week, releasedFrom });
      continue;
    }
    if (written.has(week)) continue;
    if (o.publish === 'raw') {
      if (await isFinal(store, week)) continue;
      await publishWeek(store, await loadState(store, week), o, true);
      written.add(week);
    } else {
      const s = await loadState(store, week);
      if (s.closed) continue;
      if (await release(store, s, o, mergedThrough)) {
        written.add(week);
        result.released.push(week);
      } else result.withheldWeeks.push(week);
    }
  }
  result.weeks = [...written].sort();
  return result;
}

/** Raw mode publishes the reports themselves: its aggregates add everything. */
const capOf = (o: MergeOptions): number =>
  o.publish === 'raw' ? Infinity : (o.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport);

interface DayMerged { reports: number; weeks: string[]; late: number; capped: number }

async function mergeDay(
  store: Store, day: string, o: MergeOptions, cap: number,
): Promise<DayMerged> {
  const byWeek = new Map<string, WeekCells>();
  const touched = new Map<string, number>();
  // The week states this day adds to, each with the labels it holds (fold.ts bounds them).
  const states = new Map<string, { state: WeekState; labels: WeekLabels }>();
  const raw = o.publish === 'raw' ? partWriter(store, day, o.partBytes ?? PART_BYTES) : null;
  let n = 0;
  let capped = 0;
  for await (const stored of store.reportsOf(day)) {
    let report;
    try {
      report = parseReport(stored.body);
    } catch (e) {
      // Nothing of this day is marked merged or deleted: a report that cannot be read stays.
      throw new Error(`day ${day}: report ${stored.week}/${stored.x} cannot be read: ${(e as Error).message}`, { cause: e });
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
      const n = [...cells.values()].reduce((a, c) => a + c.reports, 0);
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

/** A week's published aggregate (its counts read as numbers: enough for its flags and sizes). */
async function readAggregate(store: Store, week: string): Promise<WeekAggregate | null> {
  const bytes = await store.getPublished(aggregatePath(week, 'json'));
  return bytes === null ? null : (JSON.parse(Buffer.from(bytes).toString('utf8')) as WeekAggregate);
}

/**
 * Whether a week's published aggregate is final, from its first bytes: `stringifyExact` writes
 * `week`, `from`, `final` first, so no run parses every old week's file to learn it.
 */
export async function isFinal(store: Store, week: string): Promise<boolean> {
  const bytes = await store.getPublished(aggregatePath(week, 'json'));
  return bytes !== null && FINAL.test(Buffer.from(bytes.subarray(0, 80)).toString('latin1'));
}

const FINAL = /^\{"week":"[0-9-]{10}","from":"[0-9-]{10}","final":true,/;

async function publishWeek(store: Store, s: WeekState, o: MergeOptions, final: boolean) {
  return writeAggregate(store, buildWeek(s, o, final));
}

function buildWeek(s: WeekState, o: MergeOptions, final: boolean): WeekAggregate {
  return buildAggregate(s.week, s.cells, {
    publish: o.publish, k: o.k, epsilon: o.epsilon, delta: o.delta,
    valuesPerReport: valuesPerReport(s, o), uniform: o.uniform, final,
  });
}

async function writeAggregate(store: Store, a: WeekAggregate): Promise<WeekAggregate> {
  await store.putPublished(aggregatePath(a.week, 'json'), Buffer.from(stringifyExact(a) + '\n'));
  await store.putPublished(aggregatePath(a.week, 'csv'), Buffer.from(aggregateToCSV(a)));
  return a;
}

/**
 * The bound the noise is scaled to: the cap of this run, or a larger one a day of the week was
 * merged under (a parameter either way; a state from before the cap falls back to its measure).
 */
function valuesPerReport(s: WeekState, o: MergeOptions): number {
  return Math.max(o.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport, s.cap ?? s.touched);
}

/**
 * Releases a closed week once. Written in this order so a crash never releases a week twice
 * with fresh noise: aggregate (then a rerun finds it final and only finishes), ledger, then
 * the state without its sums.
 */
async function release(store: Store, s: WeekState, o: MergeOptions, day: string): Promise<boolean> {
  const before = await readAggregate(store, s.week);
  let a = before?.final ? before : null;
  if (!a) {
    const built = buildWeek(s, o, true);
    // With noise, a week none of whose cells reaches the threshold is not published at all:
    // neither its file nor its ledger line, whose existence alone would show that someone
    // reported that week. Whether it shows is decided by noised counts only.
    if (built.epsilon !== null && built.cells.length === 0) {
      await saveState(store, { ...s, closed: true, cells: new Map() });
      return false;
    }
    a = await writeAggregate(store, built);
  }
  const values = a.valuesPerReport ?? valuesPerReport(s, o);
  await appendRelease(store, {
    week: s.week, released: day, k: o.k, epsilon: a.epsilon, delta: a.delta ?? null,
    epsilonPerCount: a.epsilonPerCount ?? null, threshold: a.threshold ?? null, clip: a.clip,
    valuesPerReport: values,
    epsilonPerReport: a.epsilon, deltaPerReport: a.delta ? a.delta * values : null,
    cells: a.cells.length, withheldCells: a.withheld.cells, withheldRows: a.withheld.rows,
  });
  await saveState(store, { ...s, closed: true, cells: new Map() });
  return true;
}
