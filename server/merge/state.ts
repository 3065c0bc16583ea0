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
  const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Omit<WeekState, 'cells'> & {
    cells: CellJSON[];
  };
  if (json.week !== week || !Array.isArray(json.days) || !Array.isArray(json.cells))
    throw new Error(`${statePath(week)}: not a week state`);
  const cells: WeekCells = new Map();
  for (const cell of json.cells)
    cells.set(cellsKey(cell.program, cell.version), cellFromJSON(cell));
  return {
    week,
    days: json.days,
    touched: json.touched,
    cap: json.cap,
    closed: json.closed,
    late: json.late,
    cells,
  };
}

export async function saveState(store: Store, state: WeekState): Promise<void> {
  const json = {
    week: state.week,
    days: state.days,
    touched: state.touched,
    cap: state.cap,
    closed: state.closed,
    late: state.late,
    cells: [...state.cells.values()].map(cellToJSON),
  };
  await store.putPublished(statePath(state.week), Buffer.from(JSON.stringify(json)));
}

export async function stateWeeks(store: Store): Promise<string[]> {
  const names = await store.listPublished(PREFIX);
  return names
    .map((name) => name.slice(PREFIX.length).replace(/\.json$/, ''))
    .filter((week) => /^\d{4}-\d{2}-\d{2}$/.test(week));
}
