// The report's bytes, as Go's encoding/json.MarshalIndent(r, "", " ") writes them: keys in the
// struct's field order, map keys sorted, one-space indent, counts as exact integers (bigint-safe
// above 2^53), X as the shortest decimal that reads back the same (JavaScript's and Go's
// shortest round trip agree, and both switch to exponent form below 1e-6 and from 1e21, Go
// trimming "e-07" to "e-7" as JavaScript writes it). Checked against Go's encoding/json.
// What is written to a pending file is what is POSTed and what `telemetry preview` prints.
import { parseBigJson } from './big-json.js';
import type { ProgramReport, Report } from './report.js';

/** Go's string encoding: JSON.stringify's, plus Go's HTML-safe escapes of <, >, & and U+2028/U+2029. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Go sorts map keys by their UTF-8 bytes; for valid UTF-16 strings code points order the same way. */
function byCodePoint(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y) || byCodeUnit(a, b);
}

/** Go's float64 encoding: shortest round trip, 'e' form outside [1e-6, 1e21) (`1e-7`, `1.5e+21`). */
export function goFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`X ${x} is not a finite number`);
  return Object.is(x, -0) ? '-0' : String(x);
}

function count(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`count ${v} is not a whole number`);
  return String(v);
}

function map(m: Record<string, number | bigint>, pad: string): string {
  const keys = Object.keys(m).sort(byCodePoint);
  if (keys.length === 0) return '{}';
  const inner = keys.map((k) => `${pad} ${goString(k)}: ${count(m[k]!)}`);
  return `{\n${inner.join(',\n')}\n${pad}}`;
}

function program(p: ProgramReport, pad: string): string {
  const q = `${pad} `;
  const lines = [
    `${q}"Program": ${goString(p.Program)}`,
    `${q}"Version": ${goString(p.Version)}`,
    `${q}"GoVersion": ${goString(p.GoVersion)}`,
    `${q}"GOOS": ${goString(p.GOOS)}`,
    `${q}"GOARCH": ${goString(p.GOARCH)}`,
    `${q}"Counters": ${map(p.Counters, q)}`,
    `${q}"Stacks": ${map(p.Stacks, q)}`,
  ];
  return `${pad}{\n${lines.join(',\n')}\n${pad}}`;
}

/** The report's bytes (UTF-8 of this string); no trailing newline, as Go's files. */
export function encodeReport(r: Report): string {
  const programs = r.Programs === null ? 'null' : r.Programs.length === 0 ? '[]' : `[\n${r.Programs.map((p) => program(p, '  ')).join(',\n')}\n ]`;
  return [
    '{',
    ` "Week": ${goString(r.Week)},`,
    ` "LastWeek": ${goString(r.LastWeek)},`,
    ` "X": ${goFloat(r.X)},`,
    ` "Programs": ${programs},`,
    ` "Config": ${goString(r.Config)}`,
    '}',
  ].join('\n');
}

/** Parses a report written by encodeReport (or Go), counts above 2^53−1 as bigint. */
export function decodeReport(text: string): Report {
  const r = parseBigJson(text, null, true) as Report;
  if (typeof r !== 'object' || r === null || typeof r.Week !== 'string' || typeof r.X !== 'number') throw new Error('not a report');
  return r;
}
