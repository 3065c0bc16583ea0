// The rows of a published cell, and the order cells and names are published in.
import { chartOf } from '../../config/index.js';
import type { Cell, WeekCells } from './cell.js';
import type { Count } from './sum.js';

export interface CounterRow {
  name: string;
  chart: string;
  bucket: string;
  reports: number;
  fraction: number;
  total: Count;
}
export interface ValueRow {
  value: string;
  reports: number;
  fraction: number;
}

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

export function counterRow(name: string, has: number, reports: number, total: Count): CounterRow {
  const fraction = share(has, reports);
  return { name, chart: chartOf(name), bucket: bucketOf(name), reports: has, fraction, total };
}

const share = (has: number, reports: number) => Math.min(1, has / reports);

export const valueRow = (value: string, has: number, reports: number): ValueRow => ({
  value,
  reports: has,
  fraction: Math.min(1, has / reports),
});

/** The part after the chart's `:` (the whole name for a counter without one). */
export function bucketOf(name: string): string {
  const line = name.split('\n', 1)[0]!;
  const colon = line.indexOf(':');
  return colon < 0 ? line : line.slice(colon + 1);
}

export const byKey = (a: [string, unknown], b: [string, unknown]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

export function sorted(cells: WeekCells): Cell[] {
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...cells.values()].sort(
    (a, b) => order(a.program, b.program) || order(a.version, b.version),
  );
}
