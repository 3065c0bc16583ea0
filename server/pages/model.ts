// What /charts shows, from the published week aggregates: per program, one chart per counter
// group (the name before `:`) and for versions, OS, architectures and runtimes, each across
// weeks. A value is the share of the program's reports that week (summed over its versions'
// published cells). A bucket with nothing that week is 0, never null.
import { type Count, type WeekAggregate, addCount } from '../merge/index.js';

export interface Point {
  reports: number;
  fraction: number;
  total: string | null;
}

export interface ChartModel {
  id: string;
  kind: 'version' | 'os' | 'arch' | 'runtime' | 'counter';
  title: string;
  buckets: string[];
  /** points[bucket][week]: null when the bucket had nothing published that week. */
  points: (Point | null)[][];
}

export interface ProgramModel {
  program: string;
  weeks: string[];
  reports: number[];
  charts: ChartModel[];
}

interface Acc {
  reports: number;
  total: Count | null;
}

export function chartsModel(aggregates: WeekAggregate[]): ProgramModel[] {
  const sorted = [...aggregates].sort((a, b) => (a.week < b.week ? -1 : 1));
  const weeks = sorted.map((aggregate) => aggregate.week);
  const programs = new Map<
    string,
    {
      reports: number[];
      charts: Map<string, { kind: ChartModel['kind']; title: string; buckets: Map<string, Acc[]> }>;
    }
  >();
  sorted.forEach((aggregate, weekIndex) => {
    for (const c of aggregate.cells) {
      let p = programs.get(c.program);
      if (!p) programs.set(c.program, (p = { reports: weeks.map(() => 0), charts: new Map() }));
      p.reports[weekIndex]! += c.reports;
      const add = (
        chartId: string,
        kind: ChartModel['kind'],
        title: string,
        bucket: string,
        reports: number,
        total: Count | null,
      ) => {
        let ch = p.charts.get(chartId);
        if (!ch) p.charts.set(chartId, (ch = { kind, title, buckets: new Map() }));
        let row = ch.buckets.get(bucket);
        if (!row) ch.buckets.set(bucket, (row = weeks.map(() => ({ reports: 0, total: null }))));
        const acc = row[weekIndex]!;
        acc.reports += reports;
        if (total !== null) acc.total = acc.total === null ? total : addCount(acc.total, total);
      };
      add('version', 'version', 'Versions', c.version, c.reports, null);
      for (const [kind, title] of [
        ['os', 'Operating systems'],
        ['arch', 'Architectures'],
        ['runtime', 'Runtimes'],
      ] as const) {
        for (const r of c[kind]) add(kind, kind, title, r.value, r.reports, null);
      }
      for (const r of c.counters)
        add(`counter:${r.chart}`, 'counter', r.chart, r.bucket, r.reports, r.total);
    }
  });
  return [...programs]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([program, entry]) => ({
      program,
      weeks,
      reports: entry.reports,
      charts: [...entry.charts].sort(compareCharts).map(([chartId, chart]) => ({
        id: chartId,
        kind: chart.kind,
        title: chart.title,
        buckets: [...chart.buckets.keys()].sort(compareBuckets),
        points: [...chart.buckets.keys()].sort(compareBuckets).map((bucket) =>
          chart.buckets.get(bucket)!.map((acc, weekIndex) => {
            const n = entry.reports[weekIndex]!;
            if (acc.reports === 0 && acc.total === null) return null;
            return {
              reports: acc.reports,
              fraction: n > 0 ? Math.min(1, acc.reports / n) : 0,
              total: acc.total === null ? null : String(acc.total),
            };
          }),
        ),
      })),
    }));
}

const KIND_ORDER = ['version', 'os', 'arch', 'runtime', 'counter'];
function compareCharts(
  [a, x]: [string, { kind: string }],
  [b, y]: [string, { kind: string }],
): number {
  const byKind = KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind);
  return byKind !== 0 ? byKind : a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric buckets in numeric order (`exit:2` before `exit:10`), then the rest lexically. */
function compareBuckets(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
