// The privacy budget of one release (docs/publication-privacy.md). A week's aggregate is
// released once, so the budget per release is the budget per week. One report may change at
// most `valuesPerReport` published counts (merge caps what it adds, cell.ts), each noised at
// `perCount` ε; two side numbers (how many cells and rows were withheld) take SIDE_SHARE of ε
// each. By sequential composition one report then loses at most ε per release.
// A label that came from reports (a version, a stack, a runtime, any name) is shown only when
// its noised count reaches `labelThreshold`: a label held by one report passes with
// probability at most δ.

export interface Budget {
  /** Privacy loss per report per release (= per week). */
  epsilon: number;
  /** Per label: the most probability that a label held by one report is published. */
  delta: number;
  /** The most published counts one report may change; merge drops what a report holds beyond. */
  valuesPerReport: number;
}

/** The defaults of `merge` and `serve` in aggregates mode (docs/publication-privacy.md). */
export const DEFAULT_BUDGET: Readonly<Budget> = { epsilon: 4, delta: 1e-7, valuesPerReport: 64 };

/** The share of ε each of the two side numbers (withheld cells, withheld rows) gets. */
export const SIDE_SHARE = 0.05;

/** The ε each published count gets: what is left after the side numbers, shared evenly. */
export function perCount(budget: Budget): number {
  return (budget.epsilon * (1 - 2 * SIDE_SHARE)) / budget.valuesPerReport;
}

/**
 * The least noised count that shows a label. With Z two-sided geometric at α = exp(−ε_c),
 * P(Z ≥ t) = α^t / (1 + α) for t ≥ 0. A label held by one report shows when 1 + Z ≥ τ, so
 * τ = 1 + ⌈ln(1 / (δ (1 + α))) / ε_c⌉ makes that probability at most δ. Never below
 * minReports (k).
 */
export function labelThreshold(budget: Budget, minReports: number): number {
  const epsilonCount = perCount(budget);
  const alpha = Math.exp(-epsilonCount);
  const steps = Math.ceil(Math.log(1 / (budget.delta * (1 + alpha))) / epsilonCount);
  return Math.max(minReports, 1 + Math.max(0, steps));
}

/** Checks a budget; the message names the field. */
export function checkBudget(budget: Budget): void {
  if (!(budget.epsilon > 0 && budget.epsilon <= 100)) {
    throw new Error(`epsilon ${budget.epsilon} is not in (0, 100]`);
  }
  if (!(budget.delta > 0 && budget.delta < 1))
    throw new Error(`delta ${budget.delta} is not in (0, 1)`);
  const values = budget.valuesPerReport;
  if (!(Number.isInteger(values) && values >= 5 && values <= 100_000)) {
    throw new Error(`valuesPerReport ${values} is not a whole number from 5 to 100000`);
  }
}
