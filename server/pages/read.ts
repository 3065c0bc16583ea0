// What the pages read from the store: the published aggregates of every week (counts with all
// their digits), and the names of every download.
import type { Store } from '../store/index.js';
import { BIG_MARK, type WeekAggregate, aggregatePath, quoteBigIntegers } from '../merge/index.js';

const WEEK_FILE = /^aggregates\/(\d{4}-\d{2}-\d{2})\.json$/;

export async function weeksPublished(store: Store): Promise<string[]> {
  return (await store.listPublished('aggregates/')).map((n) => WEEK_FILE.exec(n)?.[1]).filter((w): w is string => !!w);
}

/** A published aggregate with every total as a bigint-safe value (string marks turned back). */
export async function readAggregate(store: Store, week: string): Promise<WeekAggregate | null> {
  const bytes = await store.getPublished(aggregatePath(week, 'json'));
  if (!bytes) return null;
  const text = Buffer.from(bytes).toString('utf8');
  return JSON.parse(/(?<![.\d])\d{16}/.test(text) ? quoteBigIntegers(text, null) : text, (_k, v) =>
    typeof v === 'string' && v.startsWith(BIG_MARK) ? BigInt(v.slice(BIG_MARK.length)) : v,
  ) as WeekAggregate;
}

export async function allAggregates(store: Store): Promise<WeekAggregate[]> {
  const out: WeekAggregate[] = [];
  for (const w of await weeksPublished(store)) {
    const a = await readAggregate(store, w);
    if (a) out.push(a);
  }
  return out;
}

export interface Downloads { days: string[]; weeks: { week: string; final: boolean }[]; ledger: boolean }

export async function downloads(store: Store, aggregates: WeekAggregate[]): Promise<Downloads> {
  const days = (await store.listPublished('merged/')).map((n) => /^merged\/(\d{4}-\d{2}-\d{2})\.ndjson$/.exec(n)?.[1]).filter((d): d is string => !!d);
  const ledger = (await store.getPublished('ledger.json')) !== null;
  return { days, weeks: aggregates.map((a) => ({ week: a.week, final: a.final })), ledger };
}
