// Valid reports (report/report.ts, Go's Report JSON) for the merge tests and the benchmark,
// from a seeded generator, so a failure reproduces. `expected` recounts what the published
// aggregates must say by the plainest loops, independently of server/merge.
import type { ProgramReport, Report } from '../../upload/index.js';

export interface GenOptions {
  seed: number;
  /** Reports to make. */
  count: number;
  /** Report `Week` dates to spread them over. */
  weeks: string[];
  programs?: { name: string; versions: string[]; counters: string[]; stacks?: string[] }[];
}

export const DEFAULT_PROGRAMS = [
  {
    name: 'mytool',
    versions: ['1.2.0', '1.3.0'],
    counters: [
      'mytool/run',
      'mytool/flag:json',
      'mytool/flag:verbose',
      'mytool/flag:quiet',
      'mytool/exit:0',
      'mytool/exit:1',
    ],
    stacks: ['mytool/crash'],
  },
  {
    name: '@scope/other',
    versions: ['0.9.1'],
    counters: ['other/start', 'other/size:<1k', 'other/size:1k-1m', 'other/size:>1m'],
  },
];

const OS = ['linux', 'darwin', 'win32'];
const ARCH = ['x64', 'arm64'];
const RUNTIMES = ['node20.20.2', 'node22.11.0', 'node24.1.0'];

/** mulberry32: small, fast, seeded; test data only. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateReports(options: GenOptions): Report[] {
  const rnd = prng(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rnd() * values.length)]!;
  const programs = options.programs ?? DEFAULT_PROGRAMS;
  const out: Report[] = [];
  for (let i = 0; i < options.count; i++) {
    const entries: ProgramReport[] = [];
    for (const p of programs) {
      if (rnd() < 0.3 && entries.length > 0) continue;
      const counters: Record<string, number> = {};
      for (const c of p.counters) if (rnd() < 0.6) counters[c] = Math.floor(rnd() * 50);
      const stacks: Record<string, number> = {};
      for (const s of p.stacks ?? [])
        if (rnd() < 0.2)
          stacks[`${s}\nmytool/lib.parse:+3\nmytool/lib.main:+12`] = 1 + Math.floor(rnd() * 3);
      entries.push({
        Program: p.name,
        Version: pick(p.versions),
        GoVersion: pick(RUNTIMES),
        GOOS: pick(OS),
        GOARCH: pick(ARCH),
        Counters: counters,
        Stacks: stacks,
      });
    }
    // Distinct X per report: its identity in the store.
    out.push({
      Week: pick(options.weeks),
      LastWeek: '',
      X: (i + 1) / (options.count + 1),
      Programs: entries,
      Config: 'v0',
    });
  }
  return out;
}

export interface Expected {
  reports: number;
  counters: Map<string, { has: number; total: bigint }>;
  os: Map<string, number>;
}

/** What one cell (calendar week, program, version) must publish, recounted from the reports. */
export function expected(
  reports: Report[],
  weekOf: (week: string) => string,
  week: string,
  program: string,
  version: string,
): Expected {
  const e: Expected = { reports: 0, counters: new Map(), os: new Map() };
  for (const r of reports) {
    if (weekOf(r.Week) !== week) continue;
    const mine = (r.Programs ?? []).filter(
      (report) => report.Program === program && report.Version === version,
    );
    if (mine.length === 0) continue;
    e.reports++;
    const sums = new Map<string, bigint>();
    for (const p of mine)
      for (const [k, v] of Object.entries(p.Counters)) sums.set(k, (sums.get(k) ?? 0n) + BigInt(v));
    for (const [k, v] of sums) {
      const c = e.counters.get(k) ?? { has: 0, total: 0n };
      if (v > 0n) c.has++;
      c.total += v;
      e.counters.set(k, c);
    }
    for (const os of new Set(mine.map((report) => report.GOOS)))
      e.os.set(os, (e.os.get(os) ?? 0) + 1);
  }
  return e;
}
