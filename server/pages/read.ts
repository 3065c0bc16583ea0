// What the pages read from the store: the published aggregates of every week (counts with all
// their digits), and the names of every download.
import type { Store } from '../store/index.js';
import { type WeekAggregate, aggregatePath } from '../merge/index.js';
import { parseBigJson } from '../../report/index.js';

const WEEK_FILE = /^aggregates\/(\d{4}-\d{2}-\d{2})\.json$/;

export async function weeksPublished(store: Store): Promise<string[]> {
  return (await store.listPublished('aggregates/'))
    .map((name) => WEEK_FILE.exec(name)?.[1])
    .filter((week): week is string => !!week);
}

/** A published aggregate with every total as a bigint-safe value (string marks turned back). */
export async function readAggregate(store: Store, week: string): Promise<WeekAggregate | null> {
  const bytes = await store.getPublished(aggregatePath(week, 'json'));
  if (!bytes) return null;
  const text = Buffer.from(bytes).toString('utf8');
  return parseBigJson(text, null) as WeekAggregate;
}

/** Every week's aggregate, oldest first; `wanted` (by file name) reads only some. */
export async function allAggregates(
  store: Store,
  wanted: (name: string) => boolean = () => true,
): Promise<WeekAggregate[]> {
  const out: WeekAggregate[] = [];
  for (const w of await weeksPublished(store)) {
    if (!wanted(aggregatePath(w, 'json'))) continue;
    const a = await readAggregate(store, w);
    if (a) out.push(a);
  }
  return out;
}

/** `parts`: how many NDJSON files a day has (a big raw day is written in parts). */
export interface Downloads {
  days: string[];
  parts: Map<string, number>;
  weeks: { week: string; final: boolean }[];
  ledger: boolean;
}

const MERGED = /^merged\/(\d{4}-\d{2}-\d{2})(?:\.(\d{1,6}))?\.ndjson$/;

export async function downloads(store: Store, aggregates: WeekAggregate[]): Promise<Downloads> {
  const parts = new Map<string, number>();
  for (const name of await store.listPublished('merged/')) {
    const m = MERGED.exec(name);
    if (m) parts.set(m[1]!, Math.max(parts.get(m[1]!) ?? 0, m[2] ? Number(m[2]) : 1));
  }
  const days = [...parts.keys()].sort();
  const ledger = (await store.getPublished('ledger.json')) !== null;
  return {
    days,
    parts,
    weeks: aggregates.map((aggregate) => ({ week: aggregate.week, final: aggregate.final })),
    ledger,
  };
}
