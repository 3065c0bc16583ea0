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
export interface Tally {
  has: number;
  total: Count;
  clipped: number;
}

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
  return {
    program,
    version,
    reports: 0,
    counters: new Map(),
    stacks: new Map(),
    os: new Map(),
    arch: new Map(),
    runtime: new Map(),
  };
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
  byWeek: Map<string, WeekCells>,
  report: MergeReport,
  cap = Infinity,
): { week: string; touched: number; capped: boolean } {
  const week = weekOf(report.week);
  let cells = byWeek.get(week);
  if (!cells) byWeek.set(week, (cells = new Map()));
  const entries =
    report.programs.length > 1 && hasRepeats(report.programs)
      ? combined(report.programs)
      : report.programs;
  let touched = 0;
  let capped = false;
  for (const whole of entries) {
    const part = within(whole, cap - touched);
    if (part !== whole) capped = true;
    if (part === null) continue;
    const key = cellKey(part.program, part.version);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = newCell(part.program, part.version)));
    cell.reports++;
    // What removing this report could change: its count, a "has" and a total per name, a value each.
    touched += 1 + 2 * (tally(cell.counters, part.counters) + tally(cell.stacks, part.stacks));
    touched +=
      countValues(cell.os, part.os) +
      countValues(cell.arch, part.arch) +
      countValues(cell.runtime, part.runtime, true);
  }
  return { week, touched, capped };
}

const valuesOf = (joined: string) => joined.split('\u0000').length;

/** The entry itself when it fits in `room` counts; else what of it fits, or null. */
function within(entry: MergeEntry, room: number): MergeEntry | null {
  const base = 1 + valuesOf(entry.os) + valuesOf(entry.arch) + valuesOf(entry.runtime);
  const counters = Object.keys(entry.counters);
  const stacks = Object.keys(entry.stacks);
  if (base + 2 * (counters.length + stacks.length) <= room) return entry;
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
  return { ...entry, counters: keep(counters, entry.counters), stacks: keep(stacks, entry.stacks) };
}

/** Counts the report once for each of its values (one, or several joined by NUL); returns how many. */
function countValues(counts: Map<string, number>, values: string, runtime = false): number {
  if (!values.includes('\u0000')) {
    const value = runtime ? runtimeMajor(values) : values;
    counts.set(value, (counts.get(value) ?? 0) + 1);
    return 1;
  }
  const list = values.split('\u0000');
  for (const raw of list) {
    const value = runtime ? runtimeMajor(raw) : raw;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return list.length;
}

/** Adds one report's counts into a cell's tallies; returns how many names it held. */
function tally(into: Map<string, Tally>, counts: Record<string, Count>): number {
  let names = 0;
  for (const name in counts) {
    const count = counts[name]!;
    const has = count === 0 || count === 0n ? 0 : 1;
    const held = into.get(name);
    if (held) {
      held.has += has;
      held.total = addCount(held.total, count);
      held.clipped += minCount(count, CLIP);
    } else into.set(name, { has, total: count, clipped: minCount(count, CLIP) });
    names++;
  }
  return names;
}

function hasRepeats(entries: MergeEntry[]): boolean {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = cellKey(entry.program, entry.version);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** One entry per (program, version): counts added, OS, arch and runtime values joined by NUL. */
function combined(entries: MergeEntry[]): MergeEntry[] {
  const by = new Map<string, MergeEntry>();
  for (const entry of entries) {
    const key = cellKey(entry.program, entry.version);
    const cur = by.get(key);
    if (!cur) {
      by.set(key, {
        ...entry,
        counters: { ...entry.counters },
        stacks: { ...entry.stacks },
        runtime: runtimeMajor(entry.runtime),
      });
      continue;
    }
    for (const [into, from] of [
      [cur.counters, entry.counters],
      [cur.stacks, entry.stacks],
    ] as const) {
      for (const name in from)
        into[name] = name in into ? addCount(into[name]!, from[name]!) : from[name]!;
    }
    const join = (joined: string, value: string) =>
      joined.split('\u0000').includes(value) ? joined : `${joined}\u0000${value}`;
    cur.os = join(cur.os, entry.os);
    cur.arch = join(cur.arch, entry.arch);
    cur.runtime = join(cur.runtime, runtimeMajor(entry.runtime));
  }
  return [...by.values()];
}

export function addCell(into: Cell, from: Cell): void {
  into.reports += from.reports;
  for (const which of ['counters', 'stacks'] as const) {
    for (const [name, added] of from[which]) {
      const cur = into[which].get(name);
      if (cur) {
        cur.has += added.has;
        cur.total = addCount(cur.total, added.total);
        cur.clipped += added.clipped;
      } else into[which].set(name, { ...added });
    }
  }
  for (const which of ['os', 'arch', 'runtime'] as const) {
    for (const [value, reports] of from[which])
      into[which].set(value, (into[which].get(value) ?? 0) + reports);
  }
}

export function addWeek(into: WeekCells, from: WeekCells): void {
  for (const [key, cell] of from) {
    let cur = into.get(key);
    if (!cur) into.set(key, (cur = newCell(cell.program, cell.version)));
    addCell(cur, cell);
  }
}

// ---- kept between merges as JSON ----

type TallyJSON = [number, number | string, number];
export interface CellJSON {
  program: string;
  version: string;
  reports: number;
  counters: Record<string, TallyJSON>;
  stacks: Record<string, TallyJSON>;
  os: Record<string, number>;
  arch: Record<string, number>;
  runtime: Record<string, number>;
}

export function cellToJSON(cell: Cell): CellJSON {
  const tallies = (byName: Map<string, Tally>) =>
    Object.fromEntries(
      [...byName].map(([name, { has, total, clipped }]) => [
        name,
        [has, countToJSON(total), clipped] as TallyJSON,
      ]),
    );
  return {
    program: cell.program,
    version: cell.version,
    reports: cell.reports,
    counters: tallies(cell.counters),
    stacks: tallies(cell.stacks),
    os: Object.fromEntries(cell.os),
    arch: Object.fromEntries(cell.arch),
    runtime: Object.fromEntries(cell.runtime),
  };
}

export function cellFromJSON(json: CellJSON): Cell {
  const tallies = (byName: Record<string, TallyJSON>) =>
    new Map(
      Object.entries(byName).map(([name, [has, total, clipped]]) => [
        name,
        { has, total: countFromJSON(total, name), clipped },
      ]),
    );
  return {
    program: json.program,
    version: json.version,
    reports: json.reports,
    counters: tallies(json.counters),
    stacks: tallies(json.stacks),
    os: new Map(Object.entries(json.os)),
    arch: new Map(Object.entries(json.arch)),
    runtime: new Map(Object.entries(json.runtime)),
  };
}

export const cellsKey = cellKey;
