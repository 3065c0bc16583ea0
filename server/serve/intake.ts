// The strict check of one uploaded report (Go's Report JSON, report/report.ts). Everything is
// refused that a client of ours or Go's uploader would not send: another media type, bytes that
// are not UTF-8 JSON, a missing, repeated or unknown field, a week that is not a real date, not
// the path's, in the future or older than the window, X outside (0, 1], a count that is not a
// whole number in [0, 2^64−1], and anything no published config version allows. A refusal names
// the field (a JSON Pointer, RFC 6901) and the reason.
import { UPLOAD_WINDOW_DAYS, isGoRuntime } from '../../report/index.js';
import { type Program, type Refusal, allowed, pointer } from './allowed.js';
import type { ConfigVersion } from './configs.js';
import { canonicalReport, canonicalX } from './canonical.js';
import { JsonError, JsonNumber, type JsonValue, parseJson } from './strict-json.js';

export type { Refusal };
/** An accepted report: its Week, its X and its bytes, all canonical (canonical.ts). */
export interface Accepted {
  week: string;
  x: string;
  body: string;
}
export type Checked = { ok: true; report: Accepted } | { ok: false; refusal: Refusal };

/** A client's clock may run a little ahead: a week is "in the future" only past this. */
export const CLOCK_SKEW_MS = 3_600_000;
const MAX_COUNT = (1n << 64n) - 1n;
const COUNT = /^(?:0|[1-9]\d{0,19})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CONFIG = /^(?:v[0-9A-Za-z.+-]{1,63})?$/;
const REPORT_KEYS = ['Week', 'LastWeek', 'X', 'Programs', 'Config'];
const PROGRAM_KEYS = ['Program', 'Version', 'GoVersion', 'GOOS', 'GOARCH', 'Counters', 'Stacks'];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}
const refuse = (code: string, field: string, reason: string): never => {
  throw new Refused({ code, field, reason });
};
export { pointer };

const realDates = new Map<string, boolean>();
/** `YYYY-MM-DD` naming a day that exists (remembered: a server sees few distinct dates). */
export function isRealDate(text: string): boolean {
  let ok = realDates.get(text);
  if (ok === undefined) {
    const midnight = `${text}T00:00:00Z`;
    ok =
      DATE.test(text) &&
      !Number.isNaN(Date.parse(midnight)) &&
      new Date(midnight).toISOString().startsWith(text);
    if (realDates.size > 10_000) realDates.clear();
    realDates.set(text, ok);
  }
  return ok;
}
const dayNames = new Map<number, string>();
/** The UTC date of a time, YYYY-MM-DD (remembered per day: toISOString is slow on every upload). */
export function dayOf(millis: number): string {
  const day = Math.floor(millis / 86_400_000);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayNames.size > 1_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
}

/** `application/json`, with at most a UTF-8 charset, in any case and spacing. */
function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  return (
    type[0] === 'application/json' &&
    type.slice(1).every((part) => part === '' || part === 'charset=utf-8')
  );
}

export interface CheckInput {
  body: Uint8Array;
  contentType: string | undefined;
  /** The `<week>` of the request path `/upload/<week>`. */
  pathWeek: string;
  now: Date;
  versions: readonly ConfigVersion[];
}

export function checkReport(input: CheckInput): Checked {
  try {
    return { ok: true, report: check(input) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, refusal: e.refusal };
    throw e;
  }
}

function check({ body, contentType, pathWeek, now, versions }: CheckInput): Accepted {
  if (!isRealDate(pathWeek))
    refuse(
      'bad-path',
      'path',
      `the path's week ${JSON.stringify(pathWeek.slice(0, 40))} is not a real YYYY-MM-DD date`,
    );
  if (contentType !== 'application/json' && !isJsonType(contentType)) {
    refuse(
      'media-type',
      'Content-Type',
      `is ${JSON.stringify(contentType ?? '')}, not application/json`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return refuse('encoding', '', 'the body is not UTF-8');
  }
  let doc: JsonValue;
  try {
    doc = parseJson(text);
  } catch (e) {
    if (e instanceof JsonError)
      return refuse('malformed', '', `the body is not JSON: ${e.message}`);
    throw e;
  }
  const report = object(doc, () => '', REPORT_KEYS);
  const week = str(report.get('Week'), '/Week');
  if (!isRealDate(week))
    refuse('bad-week', '/Week', `${JSON.stringify(week)} is not a real YYYY-MM-DD date`);
  if (week !== pathWeek)
    refuse('week-mismatch', '/Week', `${week} is not the path's week ${pathWeek}`);
  const latest = dayOf(now.getTime() + CLOCK_SKEW_MS);
  if (week > latest) refuse('future', '/Week', `${week} is in the future`);
  const oldest = dayOf(now.getTime() - UPLOAD_WINDOW_DAYS * 86_400_000);
  if (week < oldest)
    refuse(
      'too-old',
      '/Week',
      `${week} is more than ${UPLOAD_WINDOW_DAYS} days old (the upload window)`,
    );
  const last = str(report.get('LastWeek'), '/LastWeek');
  if (last !== '' && (!isRealDate(last) || last > latest))
    refuse('bad-week', '/LastWeek', `${JSON.stringify(last)} is neither "" nor a past date`);
  const xv = report.get('X');
  if (!(xv instanceof JsonNumber)) return refuse('wrong-type', '/X', 'is not a number');
  const x = Number(xv.text);
  if (!(x > 0 && x <= 1) || xv.text.length > 40)
    refuse('bad-x', '/X', `${xv.text.slice(0, 40)} is not in (0, 1]`);
  const config = str(report.get('Config'), '/Config');
  if (!CONFIG.test(config))
    refuse(
      'bad-config',
      '/Config',
      `${JSON.stringify(config.slice(0, 80))} is not "" or a version like v12 or v0.115.0`,
    );
  const programs = programsOf(report.get('Programs'));
  const refusal = allowed(programs, x, versions);
  if (refusal) refuse(refusal.code, refusal.field, refusal.reason);
  // What is kept is what was checked, in Go's encoding (canonical.ts), not the bytes sent.
  const canonical = canonicalX(xv.text);
  return { week, x: canonical, body: canonicalReport(report, canonical) };
}

function programsOf(value: JsonValue | undefined): Program[] {
  if (value === null) return [];
  if (!Array.isArray(value))
    return refuse('wrong-type', '/Programs', 'is neither null nor an array');
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const fields = object(entry, () => pointer('Programs', index), PROGRAM_KEYS);
    const f = (key: string): string => {
      const field = fields.get(key);
      return typeof field === 'string' ? field : str(field, pointer('Programs', index, key));
    };
    const go = isGoRuntime(f('GoVersion'));
    const prog: Program = {
      at: index,
      program: f('Program'),
      version: f('Version'),
      runtime: f('GoVersion'),
      os: f('GOOS'),
      arch: f('GOARCH'),
      counters: counts(fields.get('Counters'), index, 'Counters', go),
      stacks: counts(fields.get('Stacks'), index, 'Stacks', go),
    };
    if (value.length === 1) return prog; // nothing to repeat
    const id = JSON.stringify([prog.program, prog.version, prog.runtime, prog.os, prog.arch]);
    if (seen.has(id))
      refuse(
        'repeated-program',
        pointer('Programs', index),
        'repeats an earlier entry with the same Program, Version, GoVersion, GOOS and GOARCH',
      );
    seen.add(id);
    return prog;
  });
}

/**
 * Counters or Stacks: null (Go's nil map) or an object of whole counts in [0, 2^64−1]; from a
 * Go runtime, also Go's int64 wrapping of counts of 2^63 and more (`goWrapped`).
 */
function counts(
  value: JsonValue | undefined,
  index: number,
  key: string,
  goRuntime: boolean,
): Map<string, JsonValue> {
  if (value === null) return new Map();
  if (!(value instanceof Map))
    return refuse('wrong-type', pointer('Programs', index, key), 'is neither null nor an object');
  for (const [name, count] of value) {
    if (!(count instanceof JsonNumber))
      refuse('wrong-type', pointer('Programs', index, key, name), 'is not a number');
    const text = (count as JsonNumber).text;
    if (goRuntime && goWrapped(text)) continue;
    if (!COUNT.test(text) || (text.length === 20 && BigInt(text) > MAX_COUNT))
      refuse(
        'bad-count',
        pointer('Programs', index, key, name),
        `${text.slice(0, 40)} is not a whole number from 0 to 2^64-1`,
      );
  }
  return value;
}

/** A negative int64 (-1 to -2^63): how Go's uploader writes a count of 2^63 to 2^64−1. */
function goWrapped(text: string): boolean {
  return /^-[1-9]\d{0,18}$/.test(text) && BigInt(text) >= -(1n << 63n);
}

/** `where` is made only for a refusal: pointers cost more than the check. */
function object(
  value: JsonValue | undefined,
  where: () => string,
  keys: string[],
): Map<string, JsonValue> {
  if (!(value instanceof Map)) return refuse('wrong-type', where(), 'is not an object');
  for (const k of value.keys())
    if (!keys.includes(k))
      refuse('unknown-field', `${where()}${pointer(k)}`, 'is not a field of a report');
  for (const k of keys)
    if (!value.has(k)) refuse('missing-field', `${where()}${pointer(k)}`, 'is missing');
  return value;
}

function str(value: JsonValue | undefined, where: string): string {
  if (typeof value !== 'string') return refuse('wrong-type', where, 'is not a string');
  return value;
}
