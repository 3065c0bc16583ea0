// Reports from count files. The local report holds everything; a collector's report holds only
// what its verified config allows, for its own programs that were `on` before the week began,
// sampled by one X (docs/upload.md). Every omission is kept with its reason.
import type { ReadOk } from '../counter/countfile/index.js';
import type { ConfigQuery } from '../config/index.js';
import type { ProgramState } from './gather.js';
import { encodeReport } from '../report/index.js';
import { MAX_REPORT_BYTES, type ProgramReport, type Report } from '../report/index.js';

/** Go's reports hold int64 counts (a uint64 above this wraps negative there); ours saturate here. */
export const MAX_REPORT_COUNT = (1n << 63n) - 1n;

/** One omission: a program, counter or stack left out of a collector's report, and why. */
export interface Omission {
  program: string;
  version?: string;
  counter?: string;
  reason: string;
}

type Key = string;
interface Acc {
  p: Omit<ProgramReport, 'Counters' | 'Stacks'>;
  counters: Map<string, bigint>;
  stacks: Map<string, bigint>;
  begin: string;
}

/** Sums the files' counts per (program, version, runtime, os, arch). */
export function aggregate(files: ReadOk[]): Acc[] {
  const out = new Map<Key, Acc>();
  for (const f of files) {
    const i = f.info;
    const key = JSON.stringify([i.program, i.version, i.runtime, i.os, i.arch]);
    let a = out.get(key);
    if (!a) {
      a = {
        p: {
          Program: i.program,
          Version: i.version,
          GoVersion: i.runtime,
          GOOS: i.os,
          GOARCH: i.arch,
        },
        counters: new Map(),
        stacks: new Map(),
        begin: i.timeBegin,
      };
      out.set(key, a);
    }
    if (i.timeBegin < a.begin) a.begin = i.timeBegin;
    for (const [name, v] of f.counts) add(name.includes('\n') ? a.stacks : a.counters, name, v);
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, group]) => group);
}

function add(sums: Map<string, bigint>, name: string, count: bigint): void {
  const sum = (sums.get(name) ?? 0n) + count;
  sums.set(name, sum > MAX_REPORT_COUNT ? MAX_REPORT_COUNT : sum);
}

const num = (count: bigint): number | bigint =>
  count <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(count) : count;
const obj = (counts: Map<string, bigint>): Record<string, number | bigint> =>
  Object.fromEntries([...counts].map(([name, count]) => [name, num(count)]));

/** Everything, every program: the week's local report (never sent; not sampled, so X is 0). */
export function localReport(week: string, files: ReadOk[]): Report {
  const programs = aggregate(files).map((group) => ({
    ...group.p,
    Counters: obj(group.counters),
    Stacks: obj(group.stacks),
  }));
  return { Week: week, LastWeek: '', X: 0, Programs: programs, Config: '' };
}

export type Built =
  | { kind: 'report'; report: Report; bytes: string; omitted: Omission[] }
  | { kind: 'drop'; code: string; reason: string; omitted: Omission[] };

export interface BuildInput {
  week: string;
  lastWeek: string;
  x: number;
  /** `v<index>` of the verified config entry. */
  config: string;
  query: ConfigQuery;
  /** The collector's programs' files of this week. */
  files: ReadOk[];
  state(program: string): ProgramState;
}

/** A collector's report for one week, or why there is none. */
export function collectorReport(input: BuildInput): Built {
  const omitted: Omission[] = [];
  const programs: ProgramReport[] = [];
  for (const group of aggregate(input.files)) {
    const why = programRefusal(group, input);
    if (why) {
      omitted.push({ program: group.p.Program, version: group.p.Version, reason: why });
      continue;
    }
    programs.push({
      ...group.p,
      Counters: obj(keepCounters(group, input, omitted)),
      Stacks: obj(keepStacks(group, input, omitted)),
    });
  }
  if (input.files.every((file) => file.counts.size === 0))
    return {
      kind: 'drop',
      code: 'empty',
      reason: 'no count file of this week holds a counter',
      omitted,
    };
  if (!input.query.keepsReport(input.x))
    return {
      kind: 'drop',
      code: 'sampled-out',
      reason: `X ${input.x} is above the config's SampleRate ${input.query.sampleRate}`,
      omitted,
    };
  if (programs.length === 0)
    return {
      kind: 'drop',
      code: 'nothing-allowed',
      reason: 'no program of this week is allowed by the config or was on before the week began',
      omitted,
    };
  const report: Report = {
    Week: input.week,
    LastWeek: input.lastWeek,
    X: input.x,
    Programs: programs,
    Config: input.config,
  };
  const bytes = encodeReport(report);
  if (Buffer.byteLength(bytes) > MAX_REPORT_BYTES)
    return {
      kind: 'drop',
      code: 'too-large',
      reason: `report is ${Buffer.byteLength(bytes)} bytes, over ${MAX_REPORT_BYTES}`,
      omitted,
    };
  return { kind: 'report', report, bytes, omitted };
}

function programRefusal(group: Acc, input: BuildInput): string | null {
  const s = input.state(group.p.Program);
  const q = input.query;
  if (s.decision.mode !== 'on')
    return `mode is ${s.decision.mode} (${s.decision.decidedBy.detail})`;
  if (s.asof === null) return 'the day it was turned on is not known';
  // Nothing counted on or before the day the user said yes (Go's asof rule).
  if (!(s.asof < group.begin.slice(0, 10)))
    return `turned on ${s.asof}, not before the week's first count file (${group.begin.slice(0, 10)})`;
  if (!q.allowsProgram(group.p.Program)) return 'program is not in the config';
  if (!q.allowsVersion(group.p.Program, group.p.Version))
    return `version ${JSON.stringify(group.p.Version)} is not in the config`;
  if (!q.allowsRuntime(group.p.GoVersion))
    return `runtime ${group.p.GoVersion} is not in the config`;
  if (!q.allowsOS(group.p.GOOS)) return `os ${group.p.GOOS} is not in the config`;
  if (!q.allowsArch(group.p.GOARCH)) return `arch ${group.p.GOARCH} is not in the config`;
  return null;
}

function keepCounters(group: Acc, input: BuildInput, omitted: Omission[]): Map<string, bigint> {
  const kept = new Map<string, bigint>();
  for (const [name, v] of group.counters) {
    const rate = input.query.counterRate(group.p.Program, name);
    if (rate === null)
      omitted.push({ program: group.p.Program, counter: name, reason: 'not in the config' });
    else if (input.x > rate)
      omitted.push({
        program: group.p.Program,
        counter: name,
        reason: `sampled out (X above rate ${rate})`,
      });
    else kept.set(name, v);
  }
  return kept;
}

/** Stacks whose prefix the config lists, cut to its Depth frames; stacks that become equal are summed. */
function keepStacks(group: Acc, input: BuildInput, omitted: Omission[]): Map<string, bigint> {
  const kept = new Map<string, bigint>();
  for (const [name, v] of group.stacks) {
    const rule = input.query.stackRate(group.p.Program, name);
    const prefix = name.slice(0, name.indexOf('\n'));
    if (rule === null)
      omitted.push({
        program: group.p.Program,
        counter: prefix,
        reason: 'stack not in the config',
      });
    else if (input.x > rule.rate)
      omitted.push({
        program: group.p.Program,
        counter: prefix,
        reason: `sampled out (X above rate ${rule.rate})`,
      });
    else
      add(
        kept,
        name
          .split('\n')
          .slice(0, 1 + rule.depth)
          .join('\n'),
        v,
      );
  }
  return kept;
}
