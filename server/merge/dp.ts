// The differentially private release of a week (docs/publication-privacy.md). Every count is
// noised (two-sided geometric at ε_c = budget.perCount; totals capped at CLIP per report and
// noised with sensitivity CLIP), and a cell, counter, stack or value is shown only when its
// noised count of reports reaches the label threshold: which labels exist is decided by noised
// numbers too, so a label one report holds shows with probability at most δ. The two side
// numbers (withheld cells and rows) are noised with their own share of ε. What is published
// is a function of noised counts only.
import { type Budget, SIDE_SHARE, labelThreshold, perCount } from './budget.js';
import { CLIP, type Cell, type Tally } from './cell.js';
import { geometricNoise, type Uniform } from './noise.js';
import {
  type CounterRow,
  type PublicCell,
  type ValueRow,
  byKey,
  counterRow,
  valueRow,
} from './rows.js';

export interface Noised {
  epsilon: number;
  clip: number;
  delta: number;
  valuesPerReport: number;
  epsilonPerCount: number;
  threshold: number;
  withheld: { cells: number; rows: number };
  cells: PublicCell[];
}

/** The published part of a week's aggregate from its cells, sorted. */
export function noisedCells(
  cells: Cell[],
  budget: Budget,
  minReports: number,
  uniform: Uniform,
): Noised {
  const epsilonCount = perCount(budget);
  const threshold = labelThreshold(budget, minReports);
  const noised = (count: number, sensitivity = 1): number =>
    Math.max(0, count + geometricNoise(epsilonCount, sensitivity, uniform));
  let rowsHeld = 0;
  let rowsShown = 0;
  const out: PublicCell[] = [];
  for (const tallied of cells) {
    rowsHeld +=
      tallied.counters.size +
      tallied.stacks.size +
      tallied.os.size +
      tallied.arch.size +
      tallied.runtime.size;
    const reports = noised(tallied.reports);
    if (reports < threshold) continue;
    const rows = (tallies: Map<string, Tally>): CounterRow[] => {
      const list: CounterRow[] = [];
      for (const [name, tally] of [...tallies].sort(byKey)) {
        const has = noised(tally.has);
        if (has >= threshold)
          list.push(counterRow(name, has, reports, noised(tally.clipped, CLIP)));
      }
      return list;
    };
    const values = (counts: Map<string, number>): ValueRow[] => {
      const list: ValueRow[] = [];
      for (const [value, count] of [...counts].sort(byKey)) {
        const has = noised(count);
        if (has >= threshold) list.push(valueRow(value, has, reports));
      }
      return list;
    };
    const cell: PublicCell = {
      program: tallied.program,
      version: tallied.version,
      reports,
      counters: rows(tallied.counters),
      stacks: rows(tallied.stacks),
      os: values(tallied.os),
      arch: values(tallied.arch),
      runtime: values(tallied.runtime),
    };
    rowsShown += cell.counters.length + cell.stacks.length;
    rowsShown += cell.os.length + cell.arch.length + cell.runtime.length;
    out.push(cell);
  }
  // Withheld = (how many cells or rows the data holds, noised) − how many are shown. One report
  // adds at most valuesPerReport cells or rows to the first: its sensitivity. The second is
  // already a function of noised counts.
  const held = (count: number) =>
    count + geometricNoise(budget.epsilon * SIDE_SHARE, budget.valuesPerReport, uniform);
  const withheld = {
    cells: Math.max(0, held(cells.length) - out.length),
    rows: Math.max(0, held(rowsHeld) - rowsShown),
  };
  return {
    epsilon: budget.epsilon,
    clip: CLIP,
    delta: budget.delta,
    valuesPerReport: budget.valuesPerReport,
    epsilonPerCount: epsilonCount,
    threshold,
    withheld,
    cells: out,
  };
}
