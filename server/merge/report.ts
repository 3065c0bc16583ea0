// Reading one stored report for merging. Intake has validated it against the config; here it
// is read again exactly: counts above 2^53−1 keep every digit (JSON.parse alone would round
// them), and anything not in the report's shape is an error naming the field.
import { BIG_MARK, isGoRuntime, quoteBigIntegers } from '../../report/index.js';
import type { Count } from './sum.js';

export interface MergeEntry {
  program: string;
  version: string;
  runtime: string;
  os: string;
  arch: string;
  /** Name → count, the report's own object (read in place: no copy per report). */
  counters: Record<string, Count>;
  stacks: Record<string, Count>;
}

export interface MergeReport {
  week: string;
  x: number;
  config: string;
  programs: MergeEntry[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses a report body; throws an Error naming what is wrong. */
export function parseReport(body: string): MergeReport {
  // X has 16 digits and more after its point; only a run not after a point or digit can be a big count.
  // The shared reader's rewrite, without its reviver: `counts` turns the marks back in place.
  const value = JSON.parse(
    /(?<![.\d])\d{16}/.test(body) ? quoteBigIntegers(body) : body,
  ) as unknown;
  const fields = obj(value, 'report');
  const week = str(fields.Week, 'Week');
  if (!DAY.test(week)) throw new Error(`Week: not a YYYY-MM-DD date: ${JSON.stringify(week)}`);
  if (typeof fields.X !== 'number' || !(fields.X > 0 && fields.X <= 1))
    throw new Error('X: not a number in (0, 1]');
  const list = fields.Programs === null || fields.Programs === undefined ? [] : fields.Programs;
  if (!Array.isArray(list)) throw new Error('Programs: not a list');
  return {
    week,
    x: fields.X,
    config: typeof fields.Config === 'string' ? fields.Config : '',
    programs: list.map((item, i) => entry(item, `Programs[${i}]`)),
  };
}

function entry(value: unknown, path: string): MergeEntry {
  const fields = obj(value, path);
  const program = str(fields.Program, `${path}.Program`);
  const version = str(fields.Version, `${path}.Version`);
  const runtime = str(fields.GoVersion, `${path}.GoVersion`);
  const goRuntime = isGoRuntime(runtime);
  return {
    program,
    version,
    runtime,
    os: str(fields.GOOS, `${path}.GOOS`),
    arch: str(fields.GOARCH, `${path}.GOARCH`),
    counters: counts(fields.Counters, `${path}.Counters`, goRuntime),
    stacks: counts(fields.Stacks, `${path}.Stacks`, goRuntime),
  };
}

const WRAP = 1n << 64n;

/** `goRuntime`: a Go runtime's entry, whose negative counts are Go's int64 wrapping (isGoRuntime). */
function counts(value: unknown, path: string, goRuntime: boolean): Record<string, Count> {
  if (value === null || value === undefined) return {};
  const byName = obj(value, path) as Record<string, unknown>;
  for (const name in byName) {
    const count = byName[name];
    if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) continue;
    const marked = typeof count === 'string' && count.startsWith(BIG_MARK);
    const big = marked ? BigInt(count.slice(BIG_MARK.length)) : null;
    if (big !== null && big >= 0n) byName[name] = big;
    else if (goRuntime && big !== null && big >= -(1n << 63n)) byName[name] = big + WRAP;
    else if (goRuntime && typeof count === 'number' && Number.isSafeInteger(count) && count < 0) {
      byName[name] = BigInt(count) + WRAP;
    } else throw new Error(`${path}[${JSON.stringify(name)}]: not a count`);
  }
  return byName as Record<string, Count>;
}

function obj(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${path}: not an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Error(`${path}: not a string`);
  return value;
}

/** The body as one NDJSON line: raw CR and LF can only be whitespace between tokens in JSON. */
export function asLine(body: string): string {
  return /[\r\n]/.test(body) ? body.replace(/[\r\n]+/g, ' ').trim() : body;
}
