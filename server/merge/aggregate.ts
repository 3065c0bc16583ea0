// A week's published aggregate, built from its cells (partial sums). In `raw` mode every
// number is exact and nothing is withheld (the reports themselves are public). In
// `aggregates` mode with ε (the default of the commands) it is differentially private
// (dp.ts, docs/publication-privacy.md); without ε, a cell, counter, stack or value counted by
// fewer than k reports is left out and the rest is exact: k alone, which injected reports beat.
import { DEFAULT_BUDGET, checkBudget } from './budget.js';
import type { Tally, WeekCells } from './cell.js';
import { noisedCells } from './dp.js';
import { cryptoUniform, type Uniform } from './noise.js';
import {
  type CounterRow,
  type PublicCell,
  type ValueRow,
  byKey,
  counterRow,
  sorted,
  valueRow,
} from './rows.js';
import { addDays } from './week.js';

export type PublishMode = 'raw' | 'aggregates';
export { type CounterRow, type PublicCell, type ValueRow, bucketOf } from './rows.js';

export interface WeekAggregate {
  /** The Sunday ending the calendar week; `from` is its Monday. */
  week: string;
  from: string;
  /** No report of this week can arrive any more. */
  final: boolean;
  publish: PublishMode;
  k: number | null;
  /** Privacy loss per report for this release (the week's budget); null: no noise. */
  epsilon: number | null;
  clip: number | null;
  /** The rest of the budget (docs/publication-privacy.md); null without noise. */
  delta?: number | null;
  valuesPerReport?: number | null;
  epsilonPerCount?: number | null;
  /** The least noised count that shows a cell, row or value; null without noise. */
  threshold?: number | null;
  /** How many cells and rows were left out (aggregates mode), never what; noised with ε. */
  withheld: { cells: number; rows: number };
  cells: PublicCell[];
}

export interface PublishOptions {
  publish: PublishMode;
  k: number;
  /** Aggregates mode: the release's budget per report; unset: k alone (no noise). */
  epsilon?: number | undefined;
  delta?: number | undefined;
  valuesPerReport?: number | undefined;
  uniform?: Uniform | undefined;
  final: boolean;
}

/** Builds the aggregate of one week. */
export function buildAggregate(
  week: string,
  cells: WeekCells,
  options: PublishOptions,
): WeekAggregate {
  const head = { week, from: addDays(week, -6), final: options.final, publish: options.publish };
  if (options.publish === 'aggregates' && options.epsilon) {
    const budget = {
      epsilon: options.epsilon,
      delta: options.delta ?? DEFAULT_BUDGET.delta,
      valuesPerReport: options.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport,
    };
    checkBudget(budget); // the commands check their flags; a library caller gets the same rules
    const uniform = options.uniform ?? cryptoUniform;
    return { ...head, k: options.k, ...noisedCells(sorted(cells), budget, options.k, uniform) };
  }
  const strict = options.publish === 'aggregates';
  const k = strict ? options.k : 0;
  const withheld = { cells: 0, rows: 0 };
  const out: PublicCell[] = [];
  for (const cell of sorted(cells)) {
    if (cell.reports < k || cell.reports === 0) {
      withheld.cells++;
      continue;
    }
    const rows = (tallies: Map<string, Tally>): CounterRow[] => {
      const list: CounterRow[] = [];
      for (const [name, tally] of [...tallies].sort(byKey)) {
        // The reports without it are published too (reports − has): that group must be empty or k strong as well.
        const without = cell.reports - tally.has;
        if (strict && (tally.has < k || tally.has === 0 || (without > 0 && without < k))) {
          withheld.rows++;
          continue;
        }
        list.push(counterRow(name, tally.has, cell.reports, tally.total));
      }
      return list;
    };
    const values = (counts: Map<string, number>): ValueRow[] => {
      const drawn = [...counts].sort(byKey).map(([value, reports]) => ({ value, reports }));
      const kept = strict ? suppress(drawn, k) : drawn;
      withheld.rows += drawn.length - kept.length;
      return kept.map((row) => valueRow(row.value, row.reports, cell.reports));
    };
    out.push({
      program: cell.program,
      version: cell.version,
      reports: cell.reports,
      counters: rows(cell.counters),
      stacks: rows(cell.stacks),
      os: values(cell.os),
      arch: values(cell.arch),
      runtime: values(cell.runtime),
    });
  }
  return { ...head, k: strict ? options.k : null, epsilon: null, clip: null, withheld, cells: out };
}

/**
 * Values counted by fewer than `minReports` (k) reports are withheld; and when what is withheld
 * adds up to between 1 and k − 1 reports, the smallest value kept is withheld too, or the cell's report
 * count minus the values shown would give the withheld group's size (secondary suppression).
 */
export function suppress<T extends { reports: number }>(values: T[], minReports: number): T[] {
  const kept = values.filter((value) => value.reports >= minReports && value.reports > 0);
  const hidden =
    values.reduce((sum, value) => sum + value.reports, 0) -
    kept.reduce((sum, value) => sum + value.reports, 0);
  if (hidden > 0 && hidden < minReports && kept.length > 0) {
    const smallest = kept.reduce((least, value) => (value.reports < least.reports ? value : least));
    return kept.filter((value) => value !== smallest);
  }
  return kept;
}
