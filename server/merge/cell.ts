// Partial sums: what a merge keeps of reports, and all it keeps in `aggregates` mode. A cell
// is one (calendar week, program, version). Sums of cells add, so a week's aggregate is the
// sum of the partial sums of every day its reports arrived on, whatever the order.
import { type Count, addCount, countFromJSON, countToJSON, minCount } from './sum.js';
import type { MergeEntry, MergeReport } from './report.js';
import { remembered, weekOf } from './week.js';

/**
 * Per-report counts are capped at this before they enter the noised totals, so one report
 * moves a noised total by at most CLIP (its sensitivity, docs/publication-privacy.md). Exact totals are kept too.
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
export const runtimeMajor = remembered(major, 10_000);

function major(runtime: string): string {
  const node = /^node(\d+)(?:[.-]|$)/.exec(runtime);
  if (node) return `node${node[1]}`;
  const go = /^go(\d+)\.(\d+)/.exec(runtime);
  if (go) return `go${go[1]}.${go[2]}`;
  return runtime;
}

/**
 * Adds one report to the cells of its week (`byWeek`: week → cells); returns the week and
 * how many published counts the report changes. A report is counted once per (program,
 * version) even when it holds several entries of it (another runtime or OS): their counts
 * are added first, and a value (OS, …) counts the report once. `cap` bounds the counts one
 * report may change (the privacy budget's valuesPerReport): what lies beyond is not added,
 * whole entries last first, then names (stacks before counters, last in name order first).
 */
export function addReport(
  byWeek: Map<string, WeekCells>, r: MergeReport, cap = Infinity,
): { week: string; touched: number; capped: boolean } {
  const week = weekOf(r.week);
  let cells = byWeek.get(week);
  if (!cells) byWeek.set(week, (cells = new Map()));
  const entries = r.programs.length > 1 && hasRepeats(r.programs) ? combined(r.programs) : r.programs;
  let touched = 0;
  let capped = false;
  for (const whole of entries) {
    const p = within(whole, cap - touched);
    if (p !== whole) capped = true;
    if (p === null) continue;
    const key = cellKey(p.program, p.version);
    let c = cells.get(key);
    if (!c) cells.set(key, (c = newCell(p.program, p.version)));
    c.reports++;
    // What removing this report could change: its count, a "has" and a total per name, a value each.
    touched += 1 + 2 * (tally(c.counters, p.counters) + tally(c.stacks, p.stacks));
    touched += countValues(c.os, p.os) + countValues(c.arch, p.arch) + countValues(c.runtime, p.runtime, true);
  }
  return { week, touched, capped };
}

const valuesOf = (joined: string) => joined.split('\u0000').length;

/** The entry itself when it fits in `room` counts; else what of it fits, or null. */
function within(p: MergeEntry, room: number): MergeEntry | null {
  const base = 1 + valuesOf(p.os) + valuesOf(p.arch) + valuesOf(p.runtime);
  const counters = Object.keys(p.counters);
  const stacks = Object.keys(p.stacks);
  if (base + 2 * (counters.length + stacks.length) <= room) return p;
  if (base > room) return null;
  let names = Math.floor((room - base) / 2);
  const keep = (all: string[], from: Record<string, Count>): Record<string, Count> => {
    const kept: Record<string, Count> = {};
    for (const name of all.sort()) {
      if (names === 0) break;
      kept[name] = from[name]!;
      names--;
    }
    return kept;
  };
  return { ...p, counters: keep(counters, p.counters), stacks: keep(stacks, p.stacks) };
}

/** Counts the report once for each of its values (one, or several joined by NUL); returns how many. */
function countValues(m: Map<string, number>, values: string, runtime = false): number {
  if (!values.includes('\u0000')) {
    const v = runtime ? runtimeMajor(values) : values;
    m.set(v, (m.get(v) ?? 0) + 1);
    return 1;
  }
  const list = values.split('\u0000');
  for (const raw of list) {
    const v = runtime ? runtimeMajor(raw) : raw;
    m.set(v, (m.get(v) ?? 0) + 1);
  }
  return list.length;
}

/** Adds one report's counts into a cell's tallies; returns how many names it held. */
function tally(into: Map<string, Tally>, counts: Record<string, Count>): number {
  let names = 0;
  for (const name in counts) {
    const n = counts[name]!;
    const has = n === 0 || n === 0n ? 0 : 1;
    const t = into.get(name);
    if (t) {
      t.has += has;
      t.total = addCount(t.total, n);
      t.clipped += minCount(n, CLIP);
    } else into.set(name, { has, total: n, clipped: minCount(n, CLIP) });
    names++;
  }
  return names;
}

function hasRepeats(entries: MergeEntry[]): boolean {
  const seen = new Set<string>();
  for (const p of entries) {
    const k = cellKey(p.program, p.version);
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/** One entry per (program, version): counts added, OS, arch and runtime values joined by NUL. */
function combined(entries: MergeEntry[]): MergeEntry[] {
  const by = new Map<string, MergeEntry>();
  for (const p of entries) {
    const k = cellKey(p.program, p.version);
    const cur = by.get(k);
    if (!cur) {
      by.set(k, { ...p, counters: { ...p.counters }, stacks: { ...p.stacks }, runtime: runtimeMajor(p.runtime) });
      continue;
    }
    for (const [into, from] of [[cur.counters, p.counters], [cur.stacks, p.stacks]] as const) {
      for (const name in from) into[name] = name in into ? addCount(into[name]!, from[name]!) : from[name]!;
    }
    const join = (a: string, b: string) => (a.split('\u0000').includes(b) ? a : `${a}\u0000${b}`);
    cur.os = join(cur.os, p.os);
    cur.arch = join(cur.arch, p.arch);
    cur.runtime = join(cur.runtime, runtimeMajor(p.runtime));
  }
  return [...by.values()];
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
