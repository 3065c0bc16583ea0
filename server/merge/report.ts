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

export interface MergeReport { week: string; x: number; config: string; programs: MergeEntry[] }

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses a report body; throws an Error naming what is wrong. */
export function parseReport(body: string): MergeReport {
  // X has 16 digits and more after its point; only a run not after a point or digit can be a big count.
  // The shared reader's rewrite, without its reviver: `counts` turns the marks back in place.
  const value = JSON.parse(/(?<![.\d])\d{16}/.test(body) ? quoteBigIntegers(body) : body) as unknown;
  const r = obj(value, 'report');
  const week = str(r.Week, 'Week');
  if (!DAY.test(week)) throw new Error(`Week: not a YYYY-MM-DD date: ${JSON.stringify(week)}`);
  if (typeof r.X !== 'number' || !(r.X > 0 && r.X <= 1)) throw new Error('X: not a number in (0, 1]');
  const list = r.Programs === null || r.Programs === undefined ? [] : r.Programs;
  if (!Array.isArray(list)) throw new Error('Programs: not a list');
  return { week, x: r.X, config: typeof r.Config === 'string' ? r.Config : '', programs: list.map((p, i) => entry(p, `Programs[${i}]`)) };
}

function entry(v: unknown, at: string): MergeEntry {
  const p = obj(v, at);
  const program = str(p.Program, `${at}.Program`);
  const version = str(p.Version, `${at}.Version`);
  const runtime = str(p.GoVersion, `${at}.GoVersion`);
  const go = isGoRuntime(runtime);
  return {
    program,
    version,
    runtime,
    os: str(p.GOOS, `${at}.GOOS`),
    arch: str(p.GOARCH, `${at}.GOARCH`),
    counters: counts(p.Counters, `${at}.Counters`, go),
    stacks: counts(p.Stacks, `${at}.Stacks`, go),
  };
}

const WRAP = 1n << 64n;

/** `go`: a Go runtime's entry, whose negative counts are Go's int64 wrapping (isGoRuntime). */
function counts(v: unknown, at: string, go: boolean): Record<string, Count> {
  if (v === null || v === undefined) return {};
  const o = obj(v, at) as Record<string, unknown>;
  for (const k in o) {
    const n = o[k];
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) continue;
    const marked = typeof n === 'string' && n.startsWith(BIG_MARK);
    const big = marked ? BigInt(n.slice(BIG_MARK.length)) : null;
    if (big !== null && big >= 0n) o[k] = big;
    else if (go && big !== null && big >= -(1n << 63n)) o[k] = big + WRAP;
    else if (go && typeof n === 'number' && Number.isSafeInteger(n) && n < 0) {
      o[k] = BigInt(n) + WRAP;
    }
    else throw new Error(`${at}[${JSON.stringify(k)}]: not a count`);
  }
  return o as Record<string, Count>;
}

function obj(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${at}: not an object`);
  return v as Record<string, unknown>;
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new Error(`${at}: not a string`);
  return v;
}

/** The body as one NDJSON line: raw CR and LF can only be whitespace between tokens in JSON. */
export function asLine(body: string): string {
  return /[\r\n]/.test(body) ? body.replace(/[\r\n]+/g, ' ').trim() : body;
}
