// The strict check of one uploaded report (Go's Report JSON, report/report.ts). Everything is
// refused that a client of ours or Go's uploader would not send: another media type, bytes that
// are not UTF-8 JSON, a missing, repeated or unknown field, a week that is not a real date, not
// the path's, in the future or older than the window, X outside (0, 1], a count that is not a
// whole number in [0, 2^64−1], and anything no published config version allows. A refusal names
// the field (a JSON Pointer, RFC 6901) and the reason.
import { UPLOAD_WINDOW_DAYS, isGoRuntime } from '../../report/index.js';
import type { ConfigQuery } from '../../config/index.js';
import type { ConfigVersion } from './configs.js';
import { canonicalReport, canonicalX } from './canonical.js';
import { JsonError, JsonNumber, type JsonValue, parseJson } from './json.js';
import { stackProblem } from './stacks.js';

export interface Refusal { code: string; field: string; reason: string }
/** An accepted report: its Week, its X and its bytes, all canonical (canonical.ts). */
export interface Accepted { week: string; x: string; body: string }
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
/** RFC 6901: `~` and `/` escaped. */
export const pointer = (...parts: Array<string | number>): string => parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

const realDates = new Map<string, boolean>();
/** `YYYY-MM-DD` naming a day that exists (remembered: a server sees few distinct dates). */
export function isRealDate(s: string): boolean {
  let ok = realDates.get(s);
  if (ok === undefined) {
    ok = DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
    if (realDates.size > 10_000) realDates.clear();
    realDates.set(s, ok);
  }
  return ok;
}
const dayNames = new Map<number, string>();
/** The UTC date of a time, YYYY-MM-DD (remembered per day: toISOString is slow on every upload). */
export function dayOf(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayNames.size > 1_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
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
  if (!isRealDate(pathWeek)) refuse('bad-path', 'path', `the path's week ${JSON.stringify(pathWeek.slice(0, 40))} is not a real YYYY-MM-DD date`);
  const type = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  if (type[0] !== 'application/json' || type.slice(1).some((p) => p !== '' && p !== 'charset=utf-8')) {
    refuse('media-type', 'Content-Type', `is ${JSON.stringify(contentType ?? '')}, not application/json`);
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
    if (e instanceof JsonError) return refuse('malformed', '', `the body is not JSON: ${e.message}`);
    throw e;
  }
  const report = object(doc, () => '', REPORT_KEYS);
  const week = str(report.get('Week'), '/Week');
  if (!isRealDate(week)) refuse('bad-week', '/Week', `${JSON.stringify(week)} is not a real YYYY-MM-DD date`);
  if (week !== pathWeek) refuse('week-mismatch', '/Week', `${week} is not the path's week ${pathWeek}`);
  const latest = dayOf(now.getTime() + CLOCK_SKEW_MS);
  if (week > latest) refuse('future', '/Week', `${week} is in the future`);
  const oldest = dayOf(now.getTime() - UPLOAD_WINDOW_DAYS * 86_400_000);
  if (week < oldest) refuse('too-old', '/Week', `${week} is more than ${UPLOAD_WINDOW_DAYS} days old (the upload window)`);
  const last = str(report.get('LastWeek'), '/LastWeek');
  if (last !== '' && (!isRealDate(last) || last > latest)) refuse('bad-week', '/LastWeek', `${JSON.stringify(last)} is neither "" nor a past date`);
  const xv = report.get('X');
  if (!(xv instanceof JsonNumber)) return refuse('wrong-type', '/X', 'is not a number');
  const x = Number(xv.text);
  if (!(x > 0 && x <= 1) || xv.text.length > 40) refuse('bad-x', '/X', `${xv.text.slice(0, 40)} is not in (0, 1]`);
  const config = str(report.get('Config'), '/Config');
  if (!CONFIG.test(config)) refuse('bad-config', '/Config', `${JSON.stringify(config.slice(0, 80))} is not "" or a version like v12 or v0.115.0`);
  const programs = programsOf(report.get('Programs'));
  allowed(programs, x, versions);
  // What is kept is what was checked, in Go's encoding (canonical.ts), not the bytes sent.
  return { week, x: canonicalX(xv.text), body: canonicalReport(report) };
}

interface Program { at: number; program: string; version: string; runtime: string; os: string; arch: string; counters: Map<string, JsonValue>; stacks: Map<string, JsonValue> }

function programsOf(v: JsonValue | undefined): Program[] {
  if (v === null) return [];
  if (!Array.isArray(v)) return refuse('wrong-type', '/Programs', 'is neither null nor an array');
  const seen = new Set<string>();
  return v.map((p, at) => {
    const o = object(p, () => pointer('Programs', at), PROGRAM_KEYS);
    const f = (k: string): string => {
      const v = o.get(k);
      return typeof v === 'string' ? v : str(v, pointer('Programs', at, k));
    };
    const go = isGoRuntime(f('GoVersion'));
    const prog: Program = { at, program: f('Program'), version: f('Version'), runtime: f('GoVersion'), os: f('GOOS'), arch: f('GOARCH'), counters: counts(o.get('Counters'), at, 'Counters', go), stacks: counts(o.get('Stacks'), at, 'Stacks', go) };
    const id = JSON.stringify([prog.program, prog.version, prog.runtime, prog.os, prog.arch]);
    if (seen.has(id)) refuse('repeated-program', pointer('Programs', at), 'repeats an earlier entry with the same Program, Version, GoVersion, GOOS and GOARCH');
    seen.add(id);
    return prog;
  });
}

/**
 * Counters or Stacks: null (Go's nil map) or an object of whole counts in [0, 2^64−1]; from a
 * Go runtime, also Go's int64 wrapping of counts of 2^63 and more (`goWrapped`).
 */
function counts(
  v: JsonValue | undefined, at: number, key: string, go: boolean,
): Map<string, JsonValue> {
  if (v === null) return new Map();
  if (!(v instanceof Map)) return refuse('wrong-type', pointer('Programs', at, key), 'is neither null nor an object');
  for (const [name, n] of v) {
    if (!(n instanceof JsonNumber)) refuse('wrong-type', pointer('Programs', at, key, name), 'is not a number');
    const t = (n as JsonNumber).text;
    if (go && goWrapped(t)) continue;
    if (!COUNT.test(t) || (t.length === 20 && BigInt(t) > MAX_COUNT)) refuse('bad-count', pointer('Programs', at, key, name), `${t.slice(0, 40)} is not a whole number from 0 to 2^64-1`);
  }
  return v;
}

/** A negative int64 (-1 to -2^63): how Go's uploader writes a count of 2^63 to 2^64−1. */
function goWrapped(text: string): boolean {
  return /^-[1-9]\d{0,18}$/.test(text) && BigInt(text) >= -(1n << 63n);
}

/** `where` is made only for a refusal: pointers cost more than the check. */
function object(v: JsonValue | undefined, where: () => string, keys: string[]): Map<string, JsonValue> {
  if (!(v instanceof Map)) return refuse('wrong-type', where(), 'is not an object');
  for (const k of v.keys()) if (!keys.includes(k)) refuse('unknown-field', `${where()}${pointer(k)}`, 'is not a field of a report');
  for (const k of keys) if (!v.has(k)) refuse('missing-field', `${where()}${pointer(k)}`, 'is missing');
  return v;
}

function str(v: JsonValue | undefined, where: string): string {
  if (typeof v !== 'string') return refuse('wrong-type', where, 'is not a string');
  return v;
}

/** Passes if one published version allows all of the report; else the newest version's refusal. */
function allowed(programs: Program[], x: number, versions: readonly ConfigVersion[]): void {
  if (versions.length === 0) refuse('not-allowed', '', 'this server has published no config');
  let first: Refusal | undefined;
  for (let i = versions.length - 1; i >= 0; i--) {
    const r = refusalBy(versions[i]!.query, programs, x);
    if (!r) return;
    first ??= r;
  }
  refuse(first!.code, first!.field, `${first!.reason} (in every one of the ${versions.length} published config versions)`);
}

/** Per config version: the verdict on each build (program, version, runtime, OS, arch) seen. */
const builds = new WeakMap<ConfigQuery, Map<string, Refusal | null>>();

function buildRefusal(q: ConfigQuery, p: Program): Refusal | null {
  let memo = builds.get(q);
  if (!memo) builds.set(q, (memo = new Map()));
  const key = `${p.at}\n${p.program}\n${p.version}\n${p.runtime}\n${p.os}\n${p.arch}`;
  let r = memo.get(key);
  if (r !== undefined) return r;
  const no = (k: string, reason: string): Refusal => ({ code: 'not-allowed', field: pointer('Programs', p.at, k), reason });
  if (!q.allowsProgram(p.program)) r = no('Program', `${JSON.stringify(p.program)} is not a program the config lists`);
  else if (!q.allowsVersion(p.program, p.version)) r = no('Version', `${JSON.stringify(p.version)} is not a version the config lists for ${p.program}`);
  else if (!q.allowsRuntime(p.runtime)) r = no('GoVersion', `${JSON.stringify(p.runtime)} is not a runtime the config lists`);
  else if (!q.allowsOS(p.os)) r = no('GOOS', `${JSON.stringify(p.os)} is not an OS the config lists`);
  else if (!q.allowsArch(p.arch)) r = no('GOARCH', `${JSON.stringify(p.arch)} is not an architecture the config lists`);
  else r = null;
  if (memo.size > 10_000) memo.clear();
  memo.set(key, r);
  return r;
}

function refusalBy(q: ConfigQuery, programs: Program[], x: number): Refusal | undefined {
  const no = (field: string, reason: string): Refusal => ({ code: 'not-allowed', field, reason });
  if (!q.keepsReport(x)) return no('/X', `is above the config's SampleRate ${q.sampleRate}`);
  for (const p of programs) {
    const b = buildRefusal(q, p);
    if (b) return b;
    const at = (k: string, name: string): string => pointer('Programs', p.at, k, name);
    for (const c of p.counters.keys()) {
      const rate = q.counterRate(p.program, c);
      if (rate === null) return no(at('Counters', c), 'is not a counter the config lists');
      if (x > rate) return no(at('Counters', c), `is sampled at rate ${rate}, below this report's X`);
    }
    const stacks = stacksRefusal(q, p, x);
    if (stacks) return stacks;
  }
  return undefined;
}

/** A program's stacks: how many (the config's MaxStacks), each one's prefix, rate and shape. */
function stacksRefusal(q: ConfigQuery, p: Program, x: number): Refusal | undefined {
  const at = (name: string): string => pointer('Programs', p.at, 'Stacks', name);
  const most = q.maxStacks(p.program);
  if (p.stacks.size > most) {
    const reason = `holds ${p.stacks.size} stack names; the config allows at most ${most} per program`
      + ' in one report (MaxStacks)';
    return { code: 'too-many-stacks', field: pointer('Programs', p.at, 'Stacks'), reason };
  }
  const fromGo = !p.runtime.startsWith('node');
  for (const name of p.stacks.keys()) {
    const rule = q.stackRate(p.program, name);
    const no = (reason: string): Refusal => ({ code: 'not-allowed', field: at(name), reason });
    if (rule === null) return no('has a prefix that is not a stack the config lists');
    if (x > rule.rate) return no(`is sampled at rate ${rule.rate}, below this report's X`);
    const bad = stackProblem(name, { depth: rule.depth, fromGo });
    if (bad) return { code: 'bad-stack', field: at(name), reason: bad };
  }
  return undefined;
}
