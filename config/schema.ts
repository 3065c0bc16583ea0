// The collection config: Go's UploadConfig shape (docs/config-log.md), so a vendor can carry
// a Go config over, read strictly. Everything that is not exactly right is refused with the JSON
// path and the reason; nothing is guessed. Sizes are capped, and every check is linear.
import {
  classifyRuntime,
  classifyVersion,
  expandCounter,
  MAX_TOKEN_BYTES,
  nameProblem,
  tokenProblem,
  type VersionSpec,
} from './expand.js';
import { CodedError } from './tlog/index.js';

export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
/** Entries in any one list (GOOS, GoVersion, Programs, a program's Versions, Counters, Stacks). */
export const MAX_ENTRIES = 10_000;
/** Counter names after group expansion, plus stacks, in the whole config. */
export const MAX_NAMES = 100_000;
/** A program name lands in count-file metadata, which must fit 512 bytes (docs/count-file.md). */
export const MAX_PROGRAM_BYTES = 512;
export const MAX_DEPTH = 100;
/**
 * Stack names one program may send in one report when its config entry sets no `MaxStacks`:
 * each is a label a collector keeps, so a report carrying thousands is a flood, not a tool.
 */
export const DEFAULT_MAX_STACKS = 256;

export interface CounterConfig {
  Name: string;
  Rate: number;
}
/** Depth: frames kept per stack (Go: informational, omitted when 0). */
export interface StackConfig {
  Name: string;
  Rate: number;
  Depth: number;
}
/**
 * `MaxStacks` (ours, optional; Go's uploader ignores it): stack names per report for this
 * program, DEFAULT_MAX_STACKS when absent. A config that sets it is refused by clients older
 * than the field (their reading is strict), so set it only once those have updated.
 */
export interface ProgramConfig {
  Name: string;
  Versions: string[];
  Counters: CounterConfig[];
  Stacks: StackConfig[];
  MaxStacks?: number;
}
/** SampleRate 0 means no report-level sampling (every report is kept), as in Go. */
export interface UploadConfig {
  GOOS: string[];
  GOARCH: string[];
  GoVersion: string[];
  SampleRate: number;
  Programs: ProgramConfig[];
}

export type ConfigErrorCode =
  | 'json'
  | 'too-large'
  | 'type'
  | 'unknown-field'
  | 'missing'
  | 'value'
  | 'duplicate'
  | 'too-many';

export class ConfigError extends CodedError<ConfigErrorCode> {
  override name = 'ConfigError';
  constructor(
    code: ConfigErrorCode,
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(code, `collection config${path ? ` ${path}` : ''}: ${reason}`, options);
  }
}

/** Parses and checks a config given as JSON text (or UTF-8 bytes) or as an already-parsed value. */
export function parseConfig(json: string | Uint8Array | unknown): UploadConfig {
  let value = json;
  if (typeof json === 'string' || json instanceof Uint8Array) {
    const bytes = typeof json === 'string' ? Buffer.byteLength(json) : json.byteLength;
    if (bytes > MAX_INPUT_BYTES)
      throw new ConfigError(
        'too-large',
        '',
        `input is ${bytes} bytes (at most ${MAX_INPUT_BYTES})`,
      );
    try {
      const text =
        typeof json === 'string' ? json : new TextDecoder('utf-8', { fatal: true }).decode(json);
      value = JSON.parse(text);
    } catch (e) {
      throw new ConfigError('json', '', `invalid json: ${(e as Error).message}`, { cause: e });
    }
  }
  return readRoot(value);
}

const at = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError('type', path, `must be an object, got ${kind(value)}`);
  for (const k of Object.keys(value))
    if (!keys.includes(k))
      throw new ConfigError(
        'unknown-field',
        at(path, k),
        `unknown field (known: ${keys.join(', ')})`,
      );
  return value as Record<string, unknown>;
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** An optional list: missing (or null, as Go writes a nil slice) reads as empty. */
function list(fields: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = fields[key];
  if (v === undefined || v === null) return [];
  const p = at(path, key);
  if (!Array.isArray(v)) throw new ConfigError('type', p, `must be an array, got ${kind(v)}`);
  if (v.length > MAX_ENTRIES)
    throw new ConfigError('too-many', p, `has ${v.length} entries (at most ${MAX_ENTRIES})`);
  return v;
}

/** Array.map that visits holes too (a sparse array from a caller reads as undefined entries). */
function each<T>(items: unknown[], read: (v: unknown, i: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) out.push(read(items[i], i));
  return out;
}

function string(fields: Record<string, unknown>, key: string, path: string): string {
  const v = fields[key];
  if (v === undefined) throw new ConfigError('missing', at(path, key), 'missing');
  if (typeof v !== 'string')
    throw new ConfigError('type', at(path, key), `must be a string, got ${kind(v)}`);
  return v;
}

function number(
  fields: Record<string, unknown>,
  key: string,
  path: string,
  required: boolean,
): number | undefined {
  const v = fields[key];
  if (v === undefined && !required) return undefined;
  if (v === undefined) throw new ConfigError('missing', at(path, key), 'missing');
  if (typeof v !== 'number')
    throw new ConfigError('type', at(path, key), `must be a number, got ${kind(v)}`);
  if (!Number.isFinite(v))
    throw new ConfigError('value', at(path, key), `must be a finite number, got ${v}`);
  return v;
}

function rate(fields: Record<string, unknown>, key: string, path: string): number {
  const r = number(fields, key, path, true)!;
  if (r < 0 || r > 1) throw new ConfigError('value', at(path, key), `must be in [0, 1], got ${r}`);
  return r;
}

/** A list of unique strings, each checked by `problem` (which returns a reason or null). */
function strings(
  fields: Record<string, unknown>,
  key: string,
  path: string,
  problem: (s: string) => string | null,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  each(list(fields, key, path), (item, i) => {
    const p = at(at(path, key), i);
    if (typeof item !== 'string')
      throw new ConfigError('type', p, `must be a string, got ${kind(item)}`);
    const bad = problem(item);
    if (bad) throw new ConfigError('value', p, bad);
    if (seen.has(item)) throw new ConfigError('duplicate', p, `duplicate ${JSON.stringify(item)}`);
    seen.add(item);
    out.push(item);
  });
  return out;
}

const reasonOf = (spec: VersionSpec | { reason: string }): string | null =>
  'reason' in spec ? spec.reason : null;

function readRoot(value: unknown): UploadConfig {
  const o = object(value, '', ['GOOS', 'GOARCH', 'GoVersion', 'SampleRate', 'Programs']);
  const token = (what: string) => (token: string) => {
    const p = tokenProblem(token, MAX_TOKEN_BYTES);
    return p ? `${what} ${p}` : null;
  };
  const GOOS = strings(o, 'GOOS', '', token('os'));
  const GOARCH = strings(o, 'GOARCH', '', token('arch'));
  const GoVersion = strings(o, 'GoVersion', '', (version) => reasonOf(classifyRuntime(version)));
  const SampleRate = rate(o, 'SampleRate', '');
  const names = { count: 0 };
  const seen = new Set<string>();
  const Programs = each(list(o, 'Programs', ''), (program, i) => {
    const path = at('Programs', i);
    const prog = readProgram(program, path, names);
    if (seen.has(prog.Name))
      throw new ConfigError(
        'duplicate',
        at(path, 'Name'),
        `duplicate program ${JSON.stringify(prog.Name)}`,
      );
    seen.add(prog.Name);
    return prog;
  });
  return { GOOS, GOARCH, GoVersion, SampleRate, Programs };
}

function readProgram(value: unknown, path: string, names: { count: number }): ProgramConfig {
  const o = object(value, path, ['Name', 'Versions', 'Counters', 'Stacks', 'MaxStacks']);
  const Name = string(o, 'Name', path);
  const bad = tokenProblem(Name, MAX_PROGRAM_BYTES);
  if (bad) throw new ConfigError('value', at(path, 'Name'), `program name ${bad}`);
  const Versions = strings(o, 'Versions', path, (version) => reasonOf(classifyVersion(version)));
  const seen = new Set<string>();
  const claim = (name: string, where: string): void => {
    if (seen.has(name))
      throw new ConfigError(
        'duplicate',
        where,
        `duplicate counter or stack name ${JSON.stringify(name)}`,
      );
    if (++names.count > MAX_NAMES)
      throw new ConfigError(
        'too-many',
        where,
        `more than ${MAX_NAMES} counter and stack names in the config`,
      );
    seen.add(name);
  };
  const Counters = each(list(o, 'Counters', path), (counter, i) => {
    const p = at(at(path, 'Counters'), i);
    const e = object(counter, p, ['Name', 'Rate']);
    const name = string(e, 'Name', p);
    const x = expandCounter(name, MAX_ENTRIES);
    if ('reason' in x) throw new ConfigError('value', at(p, 'Name'), x.reason);
    for (const n of x.names) claim(n, at(p, 'Name'));
    return { Name: name, Rate: rate(e, 'Rate', p) };
  });
  const Stacks = each(list(o, 'Stacks', path), (stack, i) => {
    const p = at(at(path, 'Stacks'), i);
    const e = object(stack, p, ['Name', 'Rate', 'Depth']);
    const name = string(e, 'Name', p);
    const np = nameProblem(name);
    if (np)
      throw new ConfigError(
        'value',
        at(p, 'Name'),
        `stack name ${np}${/[{}]/.test(name) ? ' (stacks take no group form)' : ''}`,
      );
    claim(name, at(p, 'Name'));
    const Rate = rate(e, 'Rate', p);
    const Depth = number(e, 'Depth', p, false) ?? 0;
    if (!Number.isInteger(Depth) || Depth < 0 || Depth > MAX_DEPTH)
      throw new ConfigError(
        'value',
        at(p, 'Depth'),
        `must be an integer in [0, ${MAX_DEPTH}], got ${Depth}`,
      );
    return { Name: name, Rate, Depth };
  });
  const MaxStacks = number(o, 'MaxStacks', path, false);
  if (MaxStacks === undefined) return { Name, Versions, Counters, Stacks };
  if (!Number.isInteger(MaxStacks) || MaxStacks < 0 || MaxStacks > MAX_ENTRIES) {
    throw new ConfigError(
      'value',
      at(path, 'MaxStacks'),
      `must be an integer in [0, ${MAX_ENTRIES}], got ${MaxStacks}`,
    );
  }
  return { Name, Versions, Counters, Stacks, MaxStacks };
}
