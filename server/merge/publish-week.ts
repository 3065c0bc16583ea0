// A week's publication: its aggregate written as JSON and CSV (raw mode, rewritten as days
// arrive, then final), or released once when it closed (aggregates mode: k-anonymity, the
// optional noise, a ledger line, then its sums dropped).
import type { Store } from '../store/index.js';
import { type WeekAggregate, buildAggregate } from './aggregate.js';
import { DEFAULT_BUDGET } from './budget.js';
import { aggregateToCSV } from './csv.js';
import { appendRelease } from './ledger.js';
import type { MergeOptions } from './options.js';
import { type WeekState, saveState } from './state.js';
import { stringifyExact } from './sum.js';

export const aggregatePath = (week: string, ext: 'json' | 'csv') => `aggregates/${week}.${ext}`;

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

export async function publishWeek(
  store: Store,
  state: WeekState,
  options: MergeOptions,
  final: boolean,
) {
  return writeAggregate(store, buildWeek(state, options, final));
}

function buildWeek(state: WeekState, options: MergeOptions, final: boolean): WeekAggregate {
  return buildAggregate(state.week, state.cells, {
    publish: options.publish,
    k: options.k,
    epsilon: options.epsilon,
    delta: options.delta,
    valuesPerReport: valuesPerReport(state, options),
    uniform: options.uniform,
    final,
  });
}

async function writeAggregate(store: Store, aggregate: WeekAggregate): Promise<WeekAggregate> {
  await store.putPublished(
    aggregatePath(aggregate.week, 'json'),
    Buffer.from(stringifyExact(aggregate) + '\n'),
  );
  await store.putPublished(
    aggregatePath(aggregate.week, 'csv'),
    Buffer.from(aggregateToCSV(aggregate)),
  );
  return aggregate;
}

/**
 * The bound the noise is scaled to: the cap of this run, or a larger one a day of the week was
 * merged under (a parameter either way; a state from before the cap falls back to its measure).
 */
function valuesPerReport(state: WeekState, options: MergeOptions): number {
  return Math.max(
    options.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport,
    state.cap ?? state.touched,
  );
}

/**
 * Releases a closed week once. Written in this order so a crash never releases a week twice
 * with fresh noise: aggregate (then a rerun finds it final and only finishes), ledger, then
 * the state without its sums.
 */
export async function release(
  store: Store,
  state: WeekState,
  options: MergeOptions,
  day: string,
): Promise<boolean> {
  const before = await readAggregate(store, state.week);
  let a = before?.final ? before : null;
  if (!a) {
    const built = buildWeek(state, options, true);
    // With noise, a week none of whose cells reaches the threshold is not published at all:
    // neither its file nor its ledger line, whose existence alone would show that someone
    // reported that week. Whether it shows is decided by noised counts only.
    if (built.epsilon !== null && built.cells.length === 0) {
      await saveState(store, { ...state, closed: true, cells: new Map() });
      return false;
    }
    a = await writeAggregate(store, built);
  }
  const values = a.valuesPerReport ?? valuesPerReport(state, options);
  await appendRelease(store, {
    week: state.week,
    released: day,
    k: options.k,
    epsilon: a.epsilon,
    delta: a.delta ?? null,
    epsilonPerCount: a.epsilonPerCount ?? null,
    threshold: a.threshold ?? null,
    clip: a.clip,
    valuesPerReport: values,
    epsilonPerReport: a.epsilon,
    deltaPerReport: a.delta ? a.delta * values : null,
    cells: a.cells.length,
    withheldCells: a.withheld.cells,
    withheldRows: a.withheld.rows,
  });
  await saveState(store, { ...state, closed: true, cells: new Map() });
  return true;
}
