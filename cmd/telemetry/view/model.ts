// What the page shows, computed from /api/data and the filters: plain data, no DOM, so the
// rules (which files count, how weeks sum, what makes a bucket family) sit in one place.
// Sums use BigInt: counters are 64-bit and must stay exact in the tables.
import type { ViewData, ViewFile, ViewMode, ViewProgram } from '../view-data.js';

export interface Filter {
  /** '' means all. */
  program: string;
  version: string;
  /** Case-insensitive substring of the counter name; '' matches all. */
  search: string;
}

/** One counter's exact value per week (null: not counted that week). */
export interface Row {
  name: string;
  values: (string | null)[];
}

export interface ChartModel {
  /** The counter name, or for a bucket family the part before ':'. */
  title: string;
  /** True when the counters share a `name:` prefix and are drawn as grouped bars. */
  family: boolean;
  weeks: string[];
  /** One per bucket (a single one, labelled with the name, for a plain counter). */
  series: Row[];
}

export interface StackModel {
  /** The counter name: the stack name's first line. */
  counter: string;
  /** The full stored name, unique per call site. */
  key: string;
  frames: string[];
  values: (string | null)[];
}

export interface ProgramModel {
  program: string;
  mode: ViewMode;
  upload: ViewProgram['upload'];
  weeks: string[];
  files: ViewFile[];
  rows: Row[];
  charts: ChartModel[];
  stacks: StackModel[];
}

export function programModels(data: ViewData, filter: Filter): ProgramModel[] {
  return data.programs
    .filter((entry) => filter.program === '' || entry.program === filter.program)
    .map((entry) => {
      const files = data.files.filter(
        (file) =>
          file.program === entry.program &&
          (filter.version === '' || file.version === filter.version),
      );
      return {
        ...programModel(entry.program, entry.mode, files, filter.search),
        upload: entry.upload,
      };
    });
}

/** Versions offered by the version filter: those of the chosen program, or of all. */
export function versionsFor(data: ViewData, program: string): string[] {
  const all = data.programs
    .filter((entry) => program === '' || entry.program === program)
    .flatMap((entry) => entry.versions);
  return [...new Set(all)].sort();
}

function programModel(
  program: string,
  mode: ViewMode,
  files: ViewFile[],
  search: string,
): Omit<ProgramModel, 'upload'> {
  const weeks = [...new Set(files.map((file) => file.week))].sort();
  const sums = weeklySums(files, weeks);
  const needle = search.toLowerCase();
  const names = [...new Set(files.flatMap((file) => file.counters.map((counter) => counter.name)))]
    .filter((name) => name.toLowerCase().includes(needle))
    .sort();
  const valuesOf = (name: string) => sums.map((sum) => sum.get(name)?.toString() ?? null);
  const rows = names
    .filter((name) => !isStack(name))
    .map((name) => ({ name, values: valuesOf(name) }));
  const stacks = names.filter(isStack).map((key) => stackModel(key, valuesOf(key)));
  return { program, mode, weeks, files, rows, charts: chartModels(rows, weeks), stacks };
}

/** Per week, each counter summed over the files of that week (builds for other OSes, versions). */
function weeklySums(files: ViewFile[], weeks: string[]): Map<string, bigint>[] {
  const sums = weeks.map(() => new Map<string, bigint>());
  for (const f of files) {
    const m = sums[weeks.indexOf(f.week)]!;
    for (const c of f.counters) m.set(c.name, (m.get(c.name) ?? 0n) + BigInt(c.value));
  }
  return sums;
}

export function isStack(name: string): boolean {
  return name.includes('\n');
}

function stackModel(key: string, values: (string | null)[]): StackModel {
  const [counter = '', ...frames] = key.split('\n');
  return { counter, key, frames, values };
}

/** Bucket families first (they say the most at a glance), then plain counters, each by name. */
export function chartModels(rows: Row[], weeks: string[]): ChartModel[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const colon = r.name.indexOf(':');
    const title = colon < 0 ? r.name : r.name.slice(0, colon);
    const bucket = colon < 0 ? r.name : r.name.slice(colon + 1);
    groups.set(title, [...(groups.get(title) ?? []), { name: bucket, values: r.values }]);
  }
  const charts = [...groups].map(([title, series]) => ({
    title,
    family: series.length > 1 || series[0]!.name !== title,
    weeks,
    series: series.sort((a, b) => compareBuckets(a.name, b.name)),
  }));
  return charts.sort(
    (a, b) =>
      Number(b.family) - Number(a.family) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
  );
}

/** Buckets that are both numbers sort as numbers (2 before 10), others as text. */
export function compareBuckets(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Digits grouped by thousands, exactly (no conversion to a float). */
export function groupDigits(value: string): string {
  return value.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
