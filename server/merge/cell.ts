// Partial sums: what a merge keeps of reports, and all it keeps in `aggregates` mode. A cell
// is one (calendar week, program, version). Sums of cells add, so a week's aggregate is the
// sum of the partial sums of every day its reports arrived on, whatever the order.
import { type Count, addCount, countFromJSON, countToJSON, minCount } from './sum.js';
import type { MergeReport } from './report.js';
import { weekOf } from './week.js';

/**
 * Per-report counts are capped at this before they enter the noised totals, so one report
 * moves a noised total by at most CLIP (its sensitivity, DESIGN §17). Exact totals are kept too.
 */
export const CLIP = 1000;

/** One counter or stack: reports that counted it (> 0), its total, its total with each report capped at CLIP. */
export interface Tally { has: number; total: Count; clipped: number }

export interface Cell {
  program: string;
  version: string;
  reports: number;
  counters: Map<string, Tally>;
  stacks: Map<string, Tally>;
  os: Map<string, number>;
  arch: Map<string, number>;
  runtime: Map<string, number>;
}

/** Cells of one calendar week, keyed by program and version. */
export type WeekCells = Map<string, Cell>;

const cellKey = (program: string, version: string) => `${program}\u0000${version}`;

export function newCell(program: string, version: string): Cell {
  return { program, version, reports: 0, counters: new Map(), stacks: new Map(), os: new Map(), arch: new Map(), runtime: new Map() };
}

/**
 * The runtime as published: major version only (`node22`, `go1.23`), as Go's charts
 * normalise it, so the values stay few and each holds many reports.
 */
export function runtimeMajor(runtime: string): string {
  const node = /^node(\d+)(?:[.-]|$)/.exec(runtime);
  if (node) return `node${node[1]}`;
  const go = /^go(\d+)\.(\d+)/.exec(runtime);
  if (go) return `go${go[1]}.${go[2]}`;
  return runtime;
}

/**
 * Adds one report to the cells of its week (`byWeek`: week → cells). A report is counted once
 * per (program, version) even when it holds several entries of it (another runtime or OS):
 * their counts are added first, and a value (OS, …) counts the report once.
 */
export function addReport(byWeek: Map<string, WeekCells>, r: MergeReport): { week: string; touched: number } {
  const week = weekOf(r.week);
  let cells = byWeek.get(week);
  if (!cells) byWeek.set(week, (cells = new Map()));
  const mine = new Map<string, Cell>();
  for (const p of r.programs) {
    const key = cellKey(p.program, p.version);
    let c = mine.get(key);
    if (!c) mine.set(key, (c = newCell(p.program, p.version)));
    c.reports = 1;
    sumInto(c.counters, p.counters);
    sumInto(c.stacks, p.stacks);
    c.os.set(p.os, 1);
    c.arch.set(p.arch, 1);
    c.runtime.set(runtimeMajor(p.runtime), 1);
  }
  let touched = 0;
  for (const [key, one] of mine) {
    // What removing this report could change: its count, a "has" and a total per name, a value each.
    touched += 1 + 2 * (one.counters.size + one.stacks.size) + one.os.size + one.arch.size + one.runtime.size;
    for (const t of [...one.counters.values(), ...one.stacks.values()]) {
      t.has = t.total === 0 || t.total === 0n ? 0 : 1;
      t.clipped = minCount(t.total, CLIP);
    }
    let c = cells.get(key);
    if (!c) cells.set(key, (c = newCell(one.program, one.version)));
    addCell(c, one);
  }
  return { week, touched };
}

function sumInto(into: Map<string, Tally>, counts: Map<string, Count>): void {
  for (const [name, n] of counts) {
    const t = into.get(name);
    if (t) t.total = addCount(t.total, n);
    else into.set(name, { has: 0, total: n, clipped: 0 });
  }
}

export function addCell(a: Cell, b: Cell): void {
  a.reports += b.reports;
  for (const which of ['counters', 'stacks'] as const) {
    for (const [name, t] of b[which]) {
      const cur = a[which].get(name);
      if (cur) {
        cur.has += t.has;
        cur.total = addCount(cur.total, t.total);
        cur.clipped += t.clipped;
      } else a[which].set(name, { ...t });
    }
  }
  for (const which of ['os', 'arch', 'runtime'] as const) for (const [v, n] of b[which]) a[which].set(v, (a[which].get(v) ?? 0) + n);
}

export function addWeek(into: WeekCells, from: WeekCells): void {
  for (const [key, c] of from) {
    let cur = into.get(key);
    if (!cur) into.set(key, (cur = newCell(c.program, c.version)));
    addCell(cur, c);
  }
}

// ---- kept between merges as JSON ----

type TallyJSON = [number, number | string, number];
export interface CellJSON {
  program: string; version: string; reports: number;
  counters: Record<string, TallyJSON>; stacks: Record<string, TallyJSON>;
  os: Record<string, number>; arch: Record<string, number>; runtime: Record<string, number>;
}

export function cellToJSON(c: Cell): CellJSON {
  const tallies = (m: Map<string, Tally>) => Object.fromEntries([...m].map(([k, t]) => [k, [t.has, countToJSON(t.total), t.clipped] as TallyJSON]));
  return {
    program: c.program, version: c.version, reports: c.reports,
    counters: tallies(c.counters), stacks: tallies(c.stacks),
    os: Object.fromEntries(c.os), arch: Object.fromEntries(c.arch), runtime: Object.fromEntries(c.runtime),
  };
}

export function cellFromJSON(j: CellJSON): Cell {
  const tallies = (o: Record<string, TallyJSON>) =>
    new Map(Object.entries(o).map(([k, t]) => [k, { has: t[0], total: countFromJSON(t[1], k), clipped: t[2] }]));
  return {
    program: j.program, version: j.version, reports: j.reports,
    counters: tallies(j.counters), stacks: tallies(j.stacks),
    os: new Map(Object.entries(j.os)), arch: new Map(Object.entries(j.arch)), runtime: new Map(Object.entries(j.runtime)),
  };
}

export const cellsKey = cellKey;
