// The privacy ledger (`ledger.json`, published in `aggregates` mode): one line per release of a
// week's final aggregate, with its budget (docs/publication-privacy.md). One report changes at
// most `valuesPerReport` published counts (merge caps it), so what one report can lose in a
// release is ε (sequential composition), and a label it alone holds shows with probability at
// most δ × valuesPerReport. Each week is released once, so a machine that reported every week
// has lost at most the sums. Every number here is a parameter or a noised count.
import type { Store } from '../store/index.js';

export interface Release {
  week: string;
  /** The UTC day of the merge that released it. */
  released: string;
  k: number;
  /** The release's ε per report (the week's budget); null: no noise, k alone. */
  epsilon: number | null;
  /** Per label; null without noise. */
  delta: number | null;
  epsilonPerCount: number | null;
  /** The least noised count that showed a label; null without noise. */
  threshold: number | null;
  clip: number | null;
  /** The most published counts one report could change (a parameter, not a measure). */
  valuesPerReport: number;
  /** What one report can have lost in this release; null without noise. */
  epsilonPerReport: number | null;
  deltaPerReport: number | null;
  cells: number;
  /** Noised with the release's ε (exact without noise). */
  withheldCells: number;
  withheldRows: number;
}

export interface Ledger {
  publish: 'aggregates';
  releases: Release[];
  /** Sums over the noised releases: what a machine that reported every week can have lost. */
  cumulativeEpsilonPerReport: number | null;
  cumulativeDeltaPerReport: number | null;
  /** Releases without noise: for them no ε bounds anything. */
  releasesWithoutNoise: number;
}

export const LEDGER = 'ledger.json';

export async function readLedger(store: Store): Promise<Ledger> {
  const bytes = await store.getPublished(LEDGER);
  if (!bytes) return { publish: 'aggregates', releases: [], ...sums([]) };
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as Ledger;
}

export async function appendRelease(store: Store, release: Release): Promise<void> {
  const ledger = await readLedger(store);
  if (ledger.releases.some((recorded) => recorded.week === release.week)) return; // recorded before a crash
  ledger.releases.push(release);
  ledger.releases.sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0));
  const releases = ledger.releases;
  const next: Ledger = { publish: 'aggregates', releases, ...sums(releases) };
  await store.putPublished(LEDGER, Buffer.from(JSON.stringify(next, null, 2) + '\n'));
}

/** The ledger's totals over its releases. */
export function sums(releases: Release[]): Omit<Ledger, 'publish' | 'releases'> {
  const total = (numbers: Array<number | null | undefined>): number | null => {
    const noised = numbers.filter((x): x is number => typeof x === 'number');
    return noised.length ? noised.reduce((sum, value) => sum + value, 0) : null;
  };
  return {
    cumulativeEpsilonPerReport: total(releases.map((release) => release.epsilonPerReport)),
    cumulativeDeltaPerReport: total(releases.map((release) => release.deltaPerReport)),
    releasesWithoutNoise: releases.filter((release) => release.epsilon === null).length,
  };
}
