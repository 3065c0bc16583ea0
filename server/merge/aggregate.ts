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
  type CounterRow, type PublicCell, type ValueRow, byKey, counterRow, sorted, valueRow,
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
export function buildAggregate(week: string, cells: WeekCells, o: PublishOptions): WeekAggregate {
  const head = { week, from: addDays(week, -6), final: o.final, publish: o.publish };
  if (o.publish === 'aggregates' && o.epsilon) {
    const budget = {
      epsilon: o.epsilon,
      delta: o.delta ?? DEFAULT_BUDGET.delta,
      valuesPerReport: o.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport,
    };
    checkBudget(budget); // the commands check their flags; a library caller gets the same rules
    const uniform = o.uniform ?? cryptoUniform;
    return { ...head, k: o.k, ...noisedCells(sorted(cells), budget, o.k, uniform) };
  }
  const strict = o.publish === 'aggregates';
  const k = strict ? o.k : 0;
  const withheld = { cells: 0, rows: 0 };
  const out: PublicCell[] = [];
  for (const c of sorted(cells)) {
    if (c.reports < k || c.reports === 0) {
      withheld.cells++;
      continue;
    }
    const rows = (m: Map<string, Tally>): CounterRow[] => {
      const list: CounterRow[] = [];
      for (const [name, t] of [...m].sort(byKey)) {
        // The reports without it are published too (reports − has): that group must be empty or k strong as well.
        const without = c.reports - t.has;
        if (strict && (t.has < k || t.has === 0 || (without > 0 && without < k))) {
          withheld.rows++;
          continue;
        }
        list.push(counterRow(name, t.has, c.reports, t.total));
      }
      return list;
    };
    const values = (m: Map<string, number>): ValueRow[] => {
      const drawn = [...m].sort(byKey).map(([value, n]) => ({ value, reports: n }));
      const kept = strict ? suppress(drawn, k) : drawn;
      withheld.rows += drawn.length - kept.length;
      return kept.map((v) => valueRow(v.value, v.reports, c.reports));
    };
    out.push({
      program: c.program, version: c.version, reports: c.reports,
      counters: rows(c.counters), stacks: rows(c.stacks),
      os: values(c.os), arch: values(c.arch), runtime: values(c.runtime),
    });
  }
  return { ...head, k: strict ? o.k : null, epsilon: null, clip: null, withheld, cells: out };
}

/**
 * Values counted by fewer than k reports are withheld; and when what is withheld adds up to
 * between 1 and k − 1 reports, the smallest value kept is withheld too, or the cell's report
 * count minus the values shown would give the withheld group's size (secondary suppression).
 */
export function suppress<T extends { reports: number }>(values: T[], k: number): T[] {
  const kept = values.filter((v) => v.reports >= k && v.reports > 0);
  const hidden = values.reduce((a, v) => a + v.reports, 0) - kept.reduce((a, v) => a + v.reports, 0);
  if (hidden > 0 && hidden < k && kept.length > 0) {
    const smallest = kept.reduce((a, v) => (v.reports < a.reports ? v : a));
    return kept.filter((v) => v !== smallest);
  }
  return kept;
}

