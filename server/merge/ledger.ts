// The privacy ledger (`ledger.json`, published in `aggregates` mode): one line per release of a
// week's final aggregate, with the ε each published count got and what that means for one
// report: it can change at most `valuesPerReport` counts, so its privacy loss in that release
// is at most ε × valuesPerReport (sequential composition). Each week is released once, so a
// machine that reported every week has lost at most the sum of the releases' bounds.
import type { Store } from '../store/index.js';

export interface Release {
  week: string;
  /** The UTC day of the merge that released it. */
  released: string;
  k: number;
  /** Per published count; null: no noise. */
  epsilon: number | null;
  clip: number | null;
  valuesPerReport: number;
  /** ε × valuesPerReport; null without noise (then k-anonymity alone protects the cells). */
  epsilonPerReport: number | null;
  cells: number;
  withheldCells: number;
  withheldRows: number;
}

export interface Ledger { publish: 'aggregates'; releases: Release[]; cumulativeEpsilonPerReport: number | null }

export const LEDGER = 'ledger.json';

export async function readLedger(store: Store): Promise<Ledger> {
  const bytes = await store.getPublished(LEDGER);
  if (!bytes) return { publish: 'aggregates', releases: [], cumulativeEpsilonPerReport: null };
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as Ledger;
}

export async function appendRelease(store: Store, r: Release): Promise<void> {
  const ledger = await readLedger(store);
  if (ledger.releases.some((x) => x.week === r.week)) return; // recorded before a crash
  ledger.releases.push(r);
  ledger.releases.sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0));
  const bounds = ledger.releases.map((x) => x.epsilonPerReport).filter((x): x is number => x !== null);
  ledger.cumulativeEpsilonPerReport = bounds.length ? bounds.reduce((a, b) => a + b, 0) : null;
  await store.putPublished(LEDGER, Buffer.from(JSON.stringify(ledger, null, 2) + '\n'));
}
