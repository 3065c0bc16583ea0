// What a merge keeps between runs: per calendar week, the partial sums of every day merged so
// far (the days listed, so a day merged twice after a crash is added once). Kept in the store
// under `state/`, which the public pages never serve. In `aggregates` mode a closed week's
// sums are dropped once its final aggregate is published.
import type { Store } from '../store/index.js';
import { type CellJSON, type WeekCells, cellFromJSON, cellToJSON, cellsKey } from './cell.js';

export interface WeekState {
  week: string;
  /** Arrival days whose reports are in `cells`. */
  days: string[];
  /** The most published counts any one report of the week can change (for the ledger). */
  touched: number;
  /** The largest valuesPerReport cap its days were merged under (aggregates mode). */
  cap?: number | undefined;
  /** Final aggregate published and the sums dropped (aggregates mode). */
  closed: boolean;
  /** Reports that arrived after the week closed and were not counted. */
  late: number;
  cells: WeekCells;
}

const PREFIX = 'state/weeks/';
export const statePath = (week: string) => `${PREFIX}${week}.json`;

export function emptyState(week: string): WeekState {
  return { week, days: [], touched: 0, closed: false, late: 0, cells: new Map() };
}

export async function loadState(store: Store, week: string): Promise<WeekState> {
  const bytes = await store.getPublished(statePath(week));
  if (!bytes) return emptyState(week);
  const j = JSON.parse(Buffer.from(bytes).toString('utf8')) as Omit<WeekState, 'cells'> & { cells: CellJSON[] };
  if (j.week !== week || !Array.isArray(j.days) || !Array.isArray(j.cells)) throw new Error(`${statePath(week)}: not a week state`);
  const cells: WeekCells = new Map();
  for (const c of j.cells) cells.set(cellsKey(c.program, c.version), cellFromJSON(c));
  return { week, days: j.days, touched: j.touched, cap: j.cap, closed: j.closed, late: j.late, cells };
}

export async function saveState(store: Store, s: WeekState): Promise<void> {
  const j = { week: s.week, days: s.days, touched: s.touched, cap: s.cap, closed: s.closed, late: s.late, cells: [...s.cells.values()].map(cellToJSON) };
  await store.putPublished(statePath(s.week), Buffer.from(JSON.stringify(j)));
}

export async function stateWeeks(store: Store): Promise<string[]> {
  const names = await store.listPublished(PREFIX);
  return names.map((n) => n.slice(PREFIX.length).replace(/\.json$/, '')).filter((w) => /^\d{4}-\d{2}-\d{2}$/.test(w));
}
