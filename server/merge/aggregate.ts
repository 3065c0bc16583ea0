// A week's published aggregate, built from its cells (partial sums). In `raw` mode every
// number is exact and nothing is withheld (the reports themselves are public). In
// `aggregates` mode a cell, counter, stack or value counted by fewer than k reports is left
// out, and with ε set every published count gets two-sided geometric noise first (DESIGN §17).
import { chartOf } from '../../config/index.js';
import { CLIP, type Cell, type Tally, type WeekCells } from './cell.js';
import { geometricNoise, type Uniform } from './noise.js';
import type { Count } from './sum.js';
import { addDays } from './week.js';

export type PublishMode = 'raw' | 'aggregates';

export interface CounterRow { name: string; chart: string; bucket: string; reports: number; fraction: number; total: Count }
export interface ValueRow { value: string; reports: number; fraction: number }

export interface PublicCell {
  program: string;
  version: string;
  reports: number;
  counters: CounterRow[];
  stacks: CounterRow[];
  os: ValueRow[];
  arch: ValueRow[];
  runtime: ValueRow[];
}

export interface WeekAggregate {
  /** The Sunday ending the calendar week; `from` is its Monday. */
  week: string;
  from: string;
  /** No report of this week can arrive any more. */
  final: boolean;
  publish: PublishMode;
  k: number | null;
  epsilon: number | null;
  clip: number | null;
  /** How many cells and rows were left out (aggregates mode), never what they held. */
  withheld: { cells: number; rows: number };
  cells: PublicCell[];
}

export interface PublishOptions { publish: PublishMode; k: number; epsilon?: number | undefined; uniform?: Uniform | undefined; final: boolean }

/** Builds the aggregate of one week. */
export function buildAggregate(week: string, cells: WeekCells, o: PublishOptions): WeekAggregate {
  const strict = o.publish === 'aggregates';
  const eps = strict && o.epsilon ? o.epsilon : null;
  const k = strict ? o.k : 0;
  const noisy = (n: number, delta = 1): number => (eps === null ? n : Math.max(0, n + geometricNoise(eps, delta, o.uniform)));
  const withheld = { cells: 0, rows: 0 };
  const out: PublicCell[] = [];
  for (const c of sorted(cells)) {
    const reports = noisy(c.reports);
    if (reports < k || reports === 0) {
      withheld.cells++;
      continue;
    }
    const rows = (m: Map<string, Tally>): CounterRow[] => {
      const list: CounterRow[] = [];
      for (const [name, t] of [...m].sort(byKey)) {
        const has = noisy(t.has);
        // The reports without it are published too (reports − has): that group must be empty or k strong as well.
        const without = reports - has;
        if (strict && (has < k || has === 0 || (without > 0 && without < k))) {
          withheld.rows++;
          continue;
        }
        const total = eps === null ? t.total : noisy(t.clipped, CLIP);
        list.push({ name, chart: chartOf(name), bucket: bucketOf(name), reports: has, fraction: Math.min(1, has / reports), total });
      }
      return list;
    };
    const values = (m: Map<string, number>): ValueRow[] => {
      const drawn = [...m].sort(byKey).map(([value, n]) => ({ value, reports: noisy(n) }));
      const kept = strict ? suppress(drawn, k) : drawn;
      withheld.rows += drawn.length - kept.length;
      return kept.map((v) => ({ value: v.value, reports: v.reports, fraction: Math.min(1, v.reports / reports) }));
    };
    out.push({ program: c.program, version: c.version, reports, counters: rows(c.counters), stacks: rows(c.stacks), os: values(c.os), arch: values(c.arch), runtime: values(c.runtime) });
  }
  return {
    week, from: addDays(week, -6), final: o.final, publish: o.publish,
    k: strict ? o.k : null, epsilon: eps, clip: eps === null ? null : CLIP, withheld, cells: out,
  };
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

/** The part after the chart's `:` (the whole name for a counter without one). */
export function bucketOf(name: string): string {
  const line = name.split('\n', 1)[0]!;
  const colon = line.indexOf(':');
  return colon < 0 ? line : line.slice(colon + 1);
}

const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function sorted(cells: WeekCells): Cell[] {
  return [...cells.values()].sort((a, b) => (a.program !== b.program ? (a.program < b.program ? -1 : 1) : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}
