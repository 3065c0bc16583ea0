// The seam between the small entry module (counter.ts, stack-counter.ts, index.ts) and the
// engine (engine/, everything that does I/O). The published bundle loads the engine only
// when something needs it, so a tool whose user turned counting off in the environment pays
// for a few kilobytes of code and nothing else (DESIGN.md §1).
import { setSlowPath, stackNameCounter } from './counter.js';
import type {
  Answer,
  AskOptions,
  Engine,
  NoticeOptions,
  OpenOptions,
  OpenResult,
  StackEntry,
} from './engine/index.js';
import { loadEngineModule } from './engine-loader.js';
import { checkCollectorUrl, defaultRoot, envOff, hostProgram } from './settings/index.js';

let engine: Engine | undefined;
/** Set while the engine's first open() has not run: then the loader may keep its code cache. */
let firstOpen: (() => void) | undefined;
/** What open() decided without the engine: counting off by the environment. */
let offResult: OpenResult | undefined;
/** Stacks first seen before the engine was loaded; it names them when it is. */
const unnamed: Array<[string, StackEntry]> = [];

/** `cacheRoot`: where the engine's code cache lives; null when loaded for anything but open(). */
function loaded(cacheRoot: string | null = null): Engine {
  if (!engine) {
    const module = loadEngineModule(cacheRoot);
    engine = module.engine;
    if (cacheRoot !== null) firstOpen = module.opened;
    engine.setStackCounterFactory(stackNameCounter);
    setSlowPath(engine.slowAdd);
    for (const [name, e] of unnamed.splice(0)) engine.nameLater(name, e);
  }
  return engine;
}

export function open(given: OpenOptions | null | undefined): OpenResult {
  if (offResult) return offResult;
  const options = given ?? {};
  const bad = plainOptions(options) ? null : badOption(options);
  if (bad) {
    // Nothing is read or written; counts stay in memory, and open() says why.
    offResult = {
      mode: 'off',
      program: { name: '', version: '' },
      file: null,
      backend: null,
      reason: bad,
    };
    return offResult;
  }
  const host =
    options.program === undefined || options.version === undefined ? hostProgram() : null;
  const program = {
    name: options.program ?? host!.name,
    version: options.version ?? host!.version,
  };
  const off = envOff(program.name, options.envVar);
  if (off) {
    offResult = { mode: 'off', program, file: null, backend: null, reason: off };
    return offResult;
  }
  const counting = loaded(options.dir ?? defaultRoot());
  const result = counting.open({ ...options, program: program.name, version: program.version });
  // Only a process that counts into a file writes the cache: off (by the user's settings) or
  // unable to count on disk, it writes nothing.
  if (firstOpen && result.file !== null) firstOpen();
  firstOpen = undefined;
  const depth = crashDepth(options.crashes);
  if (depth > 0 && result.mode !== 'off') counting.watchCrashes(program.name, depth);
  return result;
}

/** How many frames a crash keeps: 0 when crashes are not counted. */
function crashDepth(crashes: OpenOptions['crashes']): number {
  if (crashes === true) return DEFAULT_CRASH_DEPTH;
  if (typeof crashes === 'object' && crashes !== null) return crashes.depth ?? DEFAULT_CRASH_DEPTH;
  return 0;
}

const DEFAULT_CRASH_DEPTH = 8;

/** What each option must be, checked before any is used: a wrong type must not surface as some internal error. */
const OPTION_TYPES: Record<string, string> = {
  program: 'a non-empty string',
  version: 'a string',
  dir: 'a non-empty string',
  envVar: 'a non-empty string',
  now: 'a function returning a Date',
  command: 'a non-empty line of printable characters',
  collector: 'an object { url, key }',
  crashes: 'true, false or { depth: an integer from 1 to 100 }',
};

function validCrashes(crashes: unknown): boolean {
  if (crashes === undefined || typeof crashes === 'boolean') return true;
  if (typeof crashes !== 'object' || crashes === null || Array.isArray(crashes)) return false;
  const { depth } = crashes as { depth?: unknown };
  if (depth === undefined) return true;
  return Number.isInteger(depth) && (depth as number) >= 1 && (depth as number) <= 100;
}

/**
 * True for the options most tools pass (strings only, or none), which badOption() would accept.
 * This small check is compiled instead of badOption() on every start, counting off included
 * (−0.05 ms on Node 24); anything else gets badOption()'s full check and its reason.
 */
function plainOptions(options: unknown): boolean {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  const { program, version, dir, envVar, now, command, collector, crashes } =
    options as OpenOptions;
  return (
    now === undefined &&
    command === undefined &&
    collector === undefined &&
    crashes === undefined &&
    optionalName(program) &&
    optionalName(dir) &&
    optionalName(envVar) &&
    (version === undefined || typeof version === 'string')
  );
}

/** Absent, or a non-empty string. */
function optionalName(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value !== '');
}

/** Why `options` cannot be used, or null. */
function badOption(options: unknown): string | null {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return `open(): options must be an object, got ${kind(options)}`;
  for (const [key, what] of Object.entries(OPTION_TYPES)) {
    const v = (options as Record<string, unknown>)[key];
    if (key === 'crashes') {
      if (!validCrashes(v)) return `open(): option crashes must be ${what}, got ${kind(v)}`;
      continue;
    }
    if (key === 'collector') {
      const why = v === undefined ? null : badCollector(v);
      if (why) return `open(): option collector${why}`;
      continue;
    }
    const ok =
      v === undefined ||
      (key === 'now'
        ? typeof v === 'function'
        : typeof v === 'string' && (v !== '' || key === 'version'));
    // The command is printed to the user as it is: no control characters, nothing blank.
    if (
      ok &&
      key === 'command' &&
      v !== undefined &&
      ((v as string).trim() === '' || /[\x00-\x1f\x7f]/.test(v as string))
    )
      return `open(): option command must be ${what}`;
    if (!ok) return `open(): option ${key} must be ${what}, got ${kind(v)}`;
  }
  return null;
}

/**
 * Why a collector cannot be used, or null. Only its shape is checked here (the entry stays
 * small); the uploader parses the key in full. Reports travel over https:, or http: to this
 * machine (a collector under test); the URL is a base, so it carries no user, query or fragment.
 */
function badCollector(collector: unknown): string | null {
  if (typeof collector !== 'object' || collector === null || Array.isArray(collector))
    return ` must be ${OPTION_TYPES.collector}, got ${kind(collector)}`;
  const { url, key } = collector as Record<string, unknown>;
  if (typeof url !== 'string' || typeof key !== 'string')
    return ` must be ${OPTION_TYPES.collector} of strings, got url ${kind(url)}, key ${kind(key)}`;
  const checked = checkCollectorUrl(url);
  if (!(checked instanceof URL)) return URL_PROBLEMS[checked.kind];
  if (!VERIFIER.test(key)) return '.key must be a verifier key (<name>+<key id>+<base64>)';
  return badWitnesses(collector as Record<string, unknown>);
}

/** The rule is safeio's; these are open()'s words for it. */
const URL_PROBLEMS = {
  'not-a-url': '.url is not a URL',
  'not-https': '.url must be https: (http: only to 127.0.0.1, ::1 or localhost)',
  'carries-user-data': '.url must not carry a user, password, query or fragment',
} as const;

/** A verifier key, c2sp.org/signed-note: <name>+<8 hex digits key id>+<base64 key>. */
const VERIFIER = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/;

/** Optional witnesses (verifier keys, c2sp.org/tlog-cosignature) and how many must have cosigned. */
function badWitnesses({ witnesses, quorum }: Record<string, unknown>): string | null {
  if (witnesses === undefined) return quorum === undefined ? null : '.quorum needs witnesses';
  if (
    !Array.isArray(witnesses) ||
    witnesses.length === 0 ||
    !witnesses.every((witness) => typeof witness === 'string' && VERIFIER.test(witness))
  ) {
    return '.witnesses must be a non-empty array of verifier keys';
  }
  if (
    quorum !== undefined &&
    !(
      Number.isSafeInteger(quorum) &&
      (quorum as number) >= 1 &&
      (quorum as number) <= witnesses.length
    )
  ) {
    return `.quorum must be a whole number from 1 to ${witnesses.length}`;
  }
  return null;
}

function kind(value: unknown): string {
  return value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : value === ''
        ? 'an empty string'
        : typeof value;
}

export function countingOff(): boolean {
  return offResult !== undefined;
}

/** Loading the engine is file I/O, so an increment never does it: the stack waits for open(). */
export function nameLater(name: string, entry: StackEntry): void {
  if (engine) engine.nameLater(name, entry);
  else unnamed.push([name, entry]);
}

export function notice(options?: NoticeOptions): boolean {
  return offResult ? false : loaded().notice(options);
}

export function askToShare(options?: AskOptions): Promise<Answer | null> {
  return offResult ? Promise.resolve(null) : loaded().askToShare(options);
}

/** For tests that open again in one process. */
export function resetHub(): void {
  offResult = undefined;
  unnamed.length = 0;
}
