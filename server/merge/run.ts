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
import { appendRelease } from './ledger.js';
import type { Uniform } from './noise.js';
import { asLine, parseReport } from './report.js';
import { type WeekState, loadState, saveState, stateWeeks } from './state.js';
import { stringifyExact } from './sum.js';
import { addDays, isClosed, utcDay } from './week.js';

export interface MergeOptions {
  publish: PublishMode;
  /** Fewest reports behind any published number (aggregates mode). */
  k: number;
  /** Noise per published count (aggregates mode); none when unset. */
  epsilon?: number | undefined;
  /** The clock: days before now's UTC day are over. */
  now: Date;
  uniform?: Uniform | undefined;
}

export interface MergeResult {
  days: { day: string; reports: number }[];
  /** Weeks whose aggregate was written in this run. */
  weeks: string[];
  /** Weeks released final in this run (aggregates mode). */
  released: string[];
  late: number;
}

export const mergedPath = (day: string) => `merged/${day}.ndjson`;
export const aggregatePath = (week: string, ext: 'json' | 'csv') => `aggregates/${week}.${ext}`;

/** Runs one merge; null when another replica holds the merge lock. */
export function runMerge(store: Store, o: MergeOptions): Promise<MergeResult | null> {
  return store.withMergeLock(() => mergeAll(store, o));
}

async function mergeAll(store: Store, o: MergeOptions): Promise<MergeResult> {
  const today = utcDay(o.now);
  const mergedThrough = addDays(today, -1);
  const result: MergeResult = { days: [], weeks: [], released: [], late: 0 };
  const written = new Set<string>();
  const changed = new Set<string>();
  const pending: string[] = [];
  for (const day of (await store.unmergedDays()).filter((d) => d < today)) {
    const { reports, weeks, late } = await mergeDay(store, day, o.publish);
    result.days.push({ day, reports });
    result.late += late;
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
    if (!isClosed(week, mergedThrough) || written.has(week)) continue;
    if (o.publish === 'raw') {
      if (await isFinal(store, week)) continue;
      await publishWeek(store, await loadState(store, week), o, true);
      written.add(week);
    } else {
      const s = await loadState(store, week);
      if (s.closed) continue;
      await release(store, s, o, mergedThrough);
      written.add(week);
      result.released.push(week);
    }
  }
  result.weeks = [...written].sort();
  return result;
}

async function mergeDay(store: Store, day: string, publish: PublishMode): Promise<{ reports: number; weeks: string[]; late: number }> {
  const byWeek = new Map<string, WeekCells>();
  const touched = new Map<string, number>();
  const lines: string[] = [];
  let n = 0;
  for await (const stored of store.reportsOf(day)) {
    let report;
    try {
      report = parseReport(stored.body);
    } catch (e) {
      // Nothing of this day is marked merged or deleted: a report that cannot be read stays.
      throw new Error(`day ${day}: report ${stored.week}/${stored.x} cannot be read: ${(e as Error).message}`, { cause: e });
    }
    const r = addReport(byWeek, report);
    touched.set(r.week, Math.max(touched.get(r.week) ?? 0, r.touched));
    if (publish === 'raw') lines.push(asLine(stored.body));
    n++;
  }
  let late = 0;
  for (const [week, cells] of byWeek) {
    const s = await loadState(store, week);
    if (s.days.includes(day)) continue; // merged before a crash, not marked yet
    if (s.closed) {
      const n = [...cells.values()].reduce((a, c) => a + c.reports, 0);
      late += n;
      s.late += n;
    } else addWeek(s.cells, cells);
    s.days.push(day);
    s.days.sort();
    s.touched = Math.max(s.touched, touched.get(week) ?? 0);
    await saveState(store, s);
  }
  if (publish === 'raw') await store.putPublished(mergedPath(day), Buffer.from(lines.length ? lines.join('\n') + '\n' : ''));
  return { reports: n, weeks: [...byWeek.keys()], late };
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
  const aggregate = buildAggregate(s.week, s.cells, { publish: o.publish, k: o.k, epsilon: o.epsilon, uniform: o.uniform, final });
  await store.putPublished(aggregatePath(s.week, 'json'), Buffer.from(stringifyExact(aggregate) + '\n'));
  await store.putPublished(aggregatePath(s.week, 'csv'), Buffer.from(aggregateToCSV(aggregate)));
  return aggregate;
}

/**
 * Releases a closed week once. Written in this order so a crash never releases a week twice
 * with fresh noise: aggregate (then a rerun finds it final and only finishes), ledger, then
 * the state without its sums.
 */
async function release(store: Store, s: WeekState, o: MergeOptions, day: string): Promise<void> {
  const a = (await readAggregate(store, s.week))?.final ? await readAggregate(store, s.week) : await publishWeek(store, s, o, true);
  if (!a) throw new Error(`week ${s.week}: aggregate vanished while released`);
  await appendRelease(store, {
    week: s.week, released: day, k: o.k, epsilon: a.epsilon, clip: a.clip, valuesPerReport: s.touched,
    epsilonPerReport: a.epsilon === null ? null : a.epsilon * s.touched,
    cells: a.cells.length, withheldCells: a.withheld.cells, withheldRows: a.withheld.rows,
  });
  await saveState(store, { ...s, closed: true, cells: new Map() });
}
