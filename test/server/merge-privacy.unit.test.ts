// The privacy of aggregates mode (docs/publication-privacy.md), measured against the real
// merge code with a seeded uniform (production draws from the crypto RNG): the injection
// attack, a label one report holds over many releases, the ledger's sums, the per-report cap.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BUDGET,
  type Release,
  type Uniform,
  type WeekCells,
  addReport,
  buildAggregate,
  labelThreshold,
  ledgerSums,
  parseReport,
  perCount,
} from '../../server/merge/index.js';
import { publicationOptions } from '../../server/cmd/publication.js';
import type { Report } from '../../upload/index.js';
import { prng } from './report-gen.js';

const WEEK = '2026-11-29';

/** A seeded uniform on (0, 1] with 53 bits, as cryptoUniform draws them. */
function seededUniform(seed: number): Uniform {
  const next = prng(seed);
  return () =>
    (Math.floor(next() * 2 ** 32) * 2 ** 21 + Math.floor(next() * 2 ** 21) + 1) / 2 ** 53;
}

function report(
  i: number,
  version: string,
  counters: Record<string, number>,
  stacks: Record<string, number> = {},
): Report {
  return {
    Week: '2026-11-26',
    LastWeek: '',
    X: (i + 1) / 100_000,
    Config: 'v1',
    Programs: [
      {
        Program: 'tool',
        Version: version,
        GoVersion: 'node22.11.0',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: counters,
        Stacks: stacks,
      },
    ],
  };
}

function cellsOf(reports: Report[], cap = Infinity): WeekCells {
  const byWeek = new Map<string, WeekCells>();
  for (const r of reports) addReport(byWeek, parseReport(JSON.stringify(r)), cap);
  return byWeek.get(WEEK)!;
}

/** Binomial(n, p) upper bound at 4 standard deviations: a fixed seed passes it unless p is exceeded. */
const upper = (count: number, probability: number) =>
  count * probability + 4 * Math.sqrt(count * probability * (1 - probability));

describe('the injection attack (1 victim + attacker reports with known counts)', () => {
  const victim = report(0, '1.0.0', { a: 7, b: 3 });
  const attackers = (count: number) =>
    Array.from({ length: count }, (_, i) => report(i + 1, '1.0.0', { a: 1, b: 1 }));
  /** The attacker's guess of the victim's counts: published total − what it sent; null when not shown. */
  const guess = (cells: WeekCells, options: Parameters<typeof buildAggregate>[2], sent: number) => {
    const counters = buildAggregate(WEEK, cells, options).cells[0]?.counters ?? [];
    const total = (name: string) => counters.find((counter) => counter.name === name)?.total;
    const a = total('a');
    const b = total('b');
    return a === undefined || b === undefined ? null : { a: Number(a) - sent, b: Number(b) - sent };
  };

  it('recovers the victim exactly with --no-noise-k-only-unsafe (what the flag warns of)', () => {
    const options = publicationOptions({ publish: 'aggregates', k: '20', noiseKOnlyUnsafe: false });
    expect(options.epsilon).toBeUndefined();
    const cells = cellsOf([victim, ...attackers(19)]);
    expect(guess(cells, { publish: 'aggregates', ...options, final: true }, 19)).toEqual({
      a: 7,
      b: 3,
    });
  });

  // Criterion: with the commands' default budget, over 2,000 seeded releases the attacker's guess
  // equals the victim's exact counts in at most the binomial bound of P(Z = 0) for the totals'
  // noise, (1 − α)/(1 + α) with α = exp(−ε_c/CLIP). With 19 attackers the cell is rarely shown
  // at all; with 999 it is always shown, and then the guess is the victim's value plus noise.
  for (const sent of [19, 999]) {
    it(`does not give the victim's counts with the default budget (k = 20, ${sent} attacker reports)`, () => {
      const options = publicationOptions({ publish: 'aggregates', k: '20' });
      expect(options).toEqual({ k: 20, ...DEFAULT_BUDGET });
      const cells = cellsOf([victim, ...attackers(sent)]);
      const uniform = seededUniform(sent);
      const releases = 2_000;
      let shown = 0;
      let exact = 0;
      let near = 0;
      for (let i = 0; i < releases; i++) {
        const g = guess(cells, { publish: 'aggregates', ...options, uniform, final: true }, sent);
        if (!g) continue;
        shown++;
        if (g.a === 7 && g.b === 3) exact++;
        if (Math.abs(g.a - 7) <= 100) near++;
      }
      const alpha = Math.exp(-perCount(DEFAULT_BUDGET) / 1000);
      const atZero = (1 - alpha) / (1 + alpha); // the most likely noise value's probability
      expect(exact).toBeLessThanOrEqual(upper(releases, atZero));
      // Not even close: within ±100 of the truth at most 201 × P(Z = 0) of the time (~0.6 %).
      expect(near).toBeLessThanOrEqual(upper(releases, 201 * atZero));
      if (sent === 999) expect(shown).toBe(releases);
      else expect(shown).toBeLessThanOrEqual(upper(releases, DEFAULT_BUDGET.delta));
    });
  }
});

describe('a label one report holds, over many releases', () => {
  // 100 reports of version 1.0.0, one of which also holds a stack nobody else has, and one
  // report of a private version: its own cell.
  const reports = [
    ...Array.from({ length: 100 }, (_, i) =>
      report(i, '1.0.0', { run: 1 }, i === 0 ? { 'crash\nalice.js:12': 1 } : {}),
    ),
    report(100, '1.9.9-alice.private', { run: 1 }),
  ];
  const cells = cellsOf(reports);
  const releases = 20_000;

  const settings: Array<[number, number]> = [
    [0.05, 0.01],
    [0.2, 0.01],
    [4, 0.01],
    [0.05, DEFAULT_BUDGET.delta],
    [4, DEFAULT_BUDGET.delta],
  ];
  for (const [epsilon, delta] of settings) {
    it(`shows it in at most the binomial bound of δ (ε = ${epsilon}, δ = ${delta}, ${releases} releases)`, () => {
      const uniform = seededUniform(Math.round(epsilon * 1000 + delta * 1e9));
      let version = 0;
      let stack = 0;
      for (let i = 0; i < releases; i++) {
        const a = buildAggregate(WEEK, cells, {
          publish: 'aggregates',
          k: 20,
          epsilon,
          delta,
          uniform,
          final: true,
        });
        if (a.cells.some((cell) => cell.version === '1.9.9-alice.private')) version++;
        if (a.cells.some((cell) => cell.stacks.length > 0)) stack++;
      }
      expect(version).toBeLessThanOrEqual(upper(releases, delta));
      expect(stack).toBeLessThanOrEqual(upper(releases, delta));
    });
  }

  it('refuses a budget out of range, naming it', () => {
    const build = (options: { epsilon?: number; delta?: number; valuesPerReport?: number }) => () =>
      buildAggregate(WEEK, cells, {
        publish: 'aggregates',
        k: 20,
        epsilon: 1,
        ...options,
        final: true,
      });
    expect(build({ epsilon: 101 })).toThrow(/epsilon 101 is not in \(0, 100\]/);
    expect(build({ delta: 1 })).toThrow(/delta 1 is not in \(0, 1\)/);
    expect(build({ valuesPerReport: 4 })).toThrow(/valuesPerReport 4 is not a whole number/);
  });

  it('derives the threshold from ε and δ so that P(1 + Z ≥ τ) ≤ δ, and never below k', () => {
    for (const epsilon of [0.05, 1, 4, 100]) {
      for (const delta of [0.01, 1e-7]) {
        const budget = { epsilon, delta, valuesPerReport: 64 };
        const tau = labelThreshold(budget, 1);
        const alpha = Math.exp(-perCount(budget));
        // P(Z ≥ t) = α^t / (1 + α): at τ − 1 within δ, at τ − 2 above it (the least such τ).
        expect(alpha ** (tau - 1) / (1 + alpha)).toBeLessThanOrEqual(delta);
        if (tau > 2) expect(alpha ** (tau - 2) / (1 + alpha)).toBeGreaterThan(delta);
        expect(labelThreshold(budget, tau + 5)).toBe(tau + 5);
      }
    }
  });
});

describe('side numbers and the per-report cap', () => {
  it('publishes withheld counts noised, the cap as valuesPerReport, and never a count from more than the cap', () => {
    const rare = Array.from({ length: 37 }, (_, i) => report(i, '1.0.0', { run: 1, [`x${i}`]: 1 }));
    const cells = cellsOf(rare, 64);
    const seen = new Set<number>();
    const uniform = seededUniform(3);
    for (let i = 0; i < 50; i++) {
      const a = buildAggregate(WEEK, cells, {
        publish: 'aggregates',
        k: 1,
        epsilon: 4,
        uniform,
        final: true,
      });
      expect(a.valuesPerReport).toBe(64);
      seen.add(a.withheld.rows);
    }
    expect(seen.size).toBeGreaterThan(10); // exact, it would be one number every time
  });

  it('adds at most valuesPerReport counts of one report: later names and entries are dropped', () => {
    const many = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`c${String(i).padStart(2, '0')}`, 1]),
    );
    const byWeek = new Map<string, WeekCells>();
    const r = addReport(byWeek, parseReport(JSON.stringify(report(0, '1.0.0', many))), 20);
    // 1 (the cell) + 3 values (OS, arch, runtime) + 2 per name: 8 names fit in 20.
    expect(r).toMatchObject({ touched: 20, capped: true });
    expect([...byWeek.get(WEEK)!.values()][0]!.counters.size).toBe(8);
    expect(
      addReport(new Map(), parseReport(JSON.stringify(report(0, '1.0.0', many))), 100),
    ).toMatchObject({ touched: 84, capped: false });
  });
});

describe('the ledger', () => {
  const release = (week: string, epsilon: number | null): Release => ({
    week,
    released: week,
    k: 20,
    epsilon,
    delta: epsilon === null ? null : 1e-7,
    epsilonPerCount: null,
    threshold: null,
    clip: null,
    valuesPerReport: 64,
    epsilonPerReport: epsilon,
    deltaPerReport: epsilon === null ? null : 64e-7,
    cells: 1,
    withheldCells: 0,
    withheldRows: 0,
  });
  it('adds what each noised release spent, and counts the releases without noise', () => {
    const s = ledgerSums([
      release('2026-11-29', 4),
      release('2026-12-06', 4),
      release('2026-12-13', null),
      release('2026-12-20', 1),
    ]);
    expect(s.cumulativeEpsilonPerReport).toBe(9);
    expect(s.cumulativeDeltaPerReport).toBeCloseTo(3 * 64e-7, 15);
    expect(s.releasesWithoutNoise).toBe(1);
    expect(ledgerSums([release('2026-11-29', null)])).toEqual({
      cumulativeEpsilonPerReport: null,
      cumulativeDeltaPerReport: null,
      releasesWithoutNoise: 1,
    });
  });
});
