// The report's bytes, as Go's encoding/json.MarshalIndent(r, "", " ") writes them: keys in the
// struct's field order, map keys sorted, one-space indent, counts as exact integers (bigint-safe
// above 2^53), X as the shortest decimal that reads back the same (JavaScript's and Go's
// shortest round trip agree, and both switch to exponent form below 1e-6 and from 1e21, Go
// trimming "e-07" to "e-7" as JavaScript writes it). Checked against Go's encoding/json.
// What is written to a pending file is what is POSTed and what `telemetry preview` prints.
import { parseBigJson } from './big-json.js';
import type { ProgramReport, Report } from './report.js';

/** Go's string encoding: JSON.stringify's, plus Go's HTML-safe escapes of <, >, & and U+2028/U+2029. */
export function goString(text: string): string {
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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

function count(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`count ${value} is not a whole number`);
  return String(value);
}

function map(counts: Record<string, number | bigint>, pad: string): string {
  const keys = Object.keys(counts).sort(byCodePoint);
  if (keys.length === 0) return '{}';
  const inner = keys.map((key) => `${pad} ${goString(key)}: ${count(counts[key]!)}`);
  return `{\n${inner.join(',\n')}\n${pad}}`;
}

function program(report: ProgramReport, pad: string): string {
  const q = `${pad} `;
  const lines = [
    `${q}"Program": ${goString(report.Program)}`,
    `${q}"Version": ${goString(report.Version)}`,
    `${q}"GoVersion": ${goString(report.GoVersion)}`,
    `${q}"GOOS": ${goString(report.GOOS)}`,
    `${q}"GOARCH": ${goString(report.GOARCH)}`,
    `${q}"Counters": ${map(report.Counters, q)}`,
    `${q}"Stacks": ${map(report.Stacks, q)}`,
  ];
  return `${pad}{\n${lines.join(',\n')}\n${pad}}`;
}

/** The report's bytes (UTF-8 of this string); no trailing newline, as Go's files. */
export function encodeReport(report: Report): string {
  const programs =
    report.Programs === null
      ? 'null'
      : report.Programs.length === 0
        ? '[]'
        : `[\n${report.Programs.map((programReport) => program(programReport, '  ')).join(',\n')}\n ]`;
  return [
    '{',
    ` "Week": ${goString(report.Week)},`,
    ` "LastWeek": ${goString(report.LastWeek)},`,
    ` "X": ${goFloat(report.X)},`,
    ` "Programs": ${programs},`,
    ` "Config": ${goString(report.Config)}`,
    '}',
  ].join('\n');
}

/** Parses a report written by encodeReport (or Go), counts above 2^53−1 as bigint. */
export function decodeReport(text: string): Report {
  const r = parseBigJson(text, null, true) as Report;
  if (typeof r !== 'object' || r === null || typeof r.Week !== 'string' || typeof r.X !== 'number')
    throw new Error('not a report');
  return r;
}
