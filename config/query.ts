// Questions asked of a collection config while building a report (docs/upload.md),
// answered from indexes built once: exact entries are Map/Set lookups; only a version that is in
// no exact entry is tested against the (few) semver ranges, in config order.
import semver from 'semver';
import { chartOf, classifyRuntime, classifyVersion, expandCounter } from './expand.js';
import { DEFAULT_MAX_STACKS, parseConfig, type UploadConfig } from './schema.js';

export interface StackRule {
  rate: number;
  depth: number;
}

export interface ConfigQuery {
  /** The report-level threshold; 0 means no report-level sampling, as in Go. */
  readonly sampleRate: number;
  /** Whether a report whose random X is `x` is kept: SampleRate 0, or x ≤ SampleRate. */
  keepsReport(x: number): boolean;
  allowsOS(os: string): boolean;
  allowsArch(arch: string): boolean;
  /** Exact entry ("node20.20.2", "go1.23.4"), or "node<semver>" inside a node range entry. */
  allowsRuntime(runtime: string): boolean;
  allowsProgram(program: string): boolean;
  /**
   * Exact entry, or a plain release inside a range entry (see PLAIN_RELEASE; prereleases: see
   * RANGE_OPTIONS).
   */
  allowsVersion(program: string, version: string): boolean;
  /** The Rate of an expanded counter name; null when the counter is not in the config. */
  counterRate(program: string, counter: string): number | null;
  /** Stack names one report may carry for the program (its MaxStacks, or the default). */
  maxStacks(program: string): number;
  /** For a stack counter `<prefix>\n<frames…>` (or the bare prefix): the rule of that prefix. */
  stackRate(program: string, stackName: string): StackRule | null;
  /** The program's expanded counter names, in config order (a copy). */
  counterNames(program: string): string[];
  /** Go's HasCounterPrefix: some counter of the program is `chart:…`. */
  hasChart(program: string, chart: string): boolean;
  chartOf(counter: string): string;
}

/**
 * Ranges leave prereleases out (semver's default, includePrerelease false): "1.5.0-beta.1" is
 * not in ">=1.0.0 <2", and "node25.0.0-nightly…" is not in "node>=20". A vendor who wants a
 * prerelease lists it exactly, or writes a range naming a prerelease of that same x.y.z
 * (">=2.0.0-rc.1 <2.0.0"). Fewer reports from builds that are not releases, as Go drops devel.
 */
export const RANGE_OPTIONS = { includePrerelease: false, loose: false } as const;

/**
 * What a range admits: `MAJOR.MINOR.PATCH`, an optional `v` (Go's module versions) and a
 * prerelease, nothing else. Semver alone also takes `+build` metadata, `=` and loose forms:
 * each `1.4.0+<anything>` would be a new version label, so any client could mint cells.
 */
export const PLAIN_RELEASE =
  /^v?(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})(?:-[0-9A-Za-z-]{1,40}(?:\.[0-9A-Za-z-]{1,40}){0,4})?$/;

interface Versions {
  exact: Set<string>;
  ranges: semver.Range[];
}

interface ProgramIndex {
  versions: Versions;
  maxStacks: number;
  counters: Map<string, number>;
  names: string[];
  charts: Set<string>;
  stacks: Map<string, StackRule>;
}

function versionIndex(entries: string[], classify: typeof classifyVersion): Versions {
  const v: Versions = { exact: new Set(), ranges: [] };
  for (const e of entries) {
    const spec = classify(e);
    if ('exact' in spec) v.exact.add(spec.exact);
    else if ('range' in spec) v.ranges.push(new semver.Range(spec.range, RANGE_OPTIONS));
  }
  return v;
}

function inRanges(ranges: semver.Range[], version: string): boolean {
  if (ranges.length === 0 || !PLAIN_RELEASE.test(version)) return false;
  const parsed = semver.parse(version, RANGE_OPTIONS);
  return parsed !== null && ranges.some((range) => range.test(parsed));
}

function programIndex(program: UploadConfig['Programs'][number]): ProgramIndex {
  const idx: ProgramIndex = {
    versions: versionIndex(program.Versions, classifyVersion),
    maxStacks: program.MaxStacks ?? DEFAULT_MAX_STACKS,
    counters: new Map(),
    names: [],
    charts: new Set(),
    stacks: new Map(),
  };
  for (const c of program.Counters) {
    const x = expandCounter(c.Name);
    if ('reason' in x) continue; // unreachable: the config went through parseConfig
    for (const n of x.names) {
      idx.counters.set(n, c.Rate);
      idx.names.push(n);
      if (n.includes(':')) idx.charts.add(chartOf(n));
    }
  }
  for (const s of program.Stacks) idx.stacks.set(s.Name, { rate: s.Rate, depth: s.Depth });
  return idx;
}

/**
 * Builds the query API. The input goes through parseConfig again (linear, and a no-op for a
 * config it returned), so a hand-made object cannot slip past the checks the indexes rely on.
 */
export function buildQuery(input: UploadConfig | string): ConfigQuery {
  const config = parseConfig(input);
  const os = new Set(config.GOOS);
  const arch = new Set(config.GOARCH);
  const runtimes = versionIndex(config.GoVersion, classifyRuntime);
  const programs = new Map(config.Programs.map((program) => [program.Name, programIndex(program)]));
  const sampleRate = config.SampleRate;
  return {
    sampleRate,
    keepsReport: (x) => sampleRate === 0 || x <= sampleRate,
    allowsOS: (goos) => os.has(goos),
    allowsArch: (goarch) => arch.has(goarch),
    allowsRuntime: (runtime) =>
      runtimes.exact.has(runtime) ||
      (runtime.startsWith('node') && inRanges(runtimes.ranges, runtime.slice(4))),
    allowsProgram: (program) => programs.has(program),
    allowsVersion: (program, version) => {
      const versions = programs.get(program)?.versions;
      return (
        versions !== undefined &&
        (versions.exact.has(version) || inRanges(versions.ranges, version))
      );
    },
    counterRate: (program, counter) => programs.get(program)?.counters.get(counter) ?? null,
    maxStacks: (program) => programs.get(program)?.maxStacks ?? DEFAULT_MAX_STACKS,
    stackRate: (program, stack) => {
      const nl = stack.indexOf('\n');
      const rule = programs.get(program)?.stacks.get(nl < 0 ? stack : stack.slice(0, nl));
      return rule ? { ...rule } : null;
    },
    counterNames: (program) => [...(programs.get(program)?.names ?? [])],
    hasChart: (program, chart) => programs.get(program)?.charts.has(chart) ?? false,
    chartOf,
  };
}
