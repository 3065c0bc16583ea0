// The process-wide count file and its life cycle (docs/count-file.md, "Counter state machine"):
//   unopened ─open()→ open | memory | off;  open ─expiry→ open (next week) | memory | off.
// Increments never do I/O: a counter that cannot be placed with memory operations alone
// keeps its count in `pending` and a maintenance step runs after the current tick (an
// unref'd immediate, so it never holds the process) and once more at exit.
import { join } from 'node:path';
import {
  type CountMap, CorruptError, NEEDS_IO, addAt, buildHeader, closeCountMap, countFileName, discardCountMap, openCountMap, placeRecord, recordSize, resolve, sync,
} from '../countfile/index.js';
import { backend, backendErrors } from '../mmap/index.js';
import {
  type Layout, type Mode, type Program, type Reason, type Span,
  counterSpan, dateString, debugLog, decide, defaultRoot, flushDebug, layout, queueDebug, readWeekend, runtimeTag, timeString,
} from '../settings/index.js';
import { forgetOpened, recordOpened, remember } from './opened.js';
import { type RotationTimer, rotationTimer } from './rotation-timer.js';
import { runTestHook } from './test-hook.js';
import { resetUploadTrigger, scheduleUploadCheck } from './upload-trigger.js';
import type { CounterSlot, OpenOptions, OpenResult } from './types.js';

export type { OpenOptions, OpenResult } from './types.js';
export { rotationDelay } from './rotation-timer.js';

interface State {
  status: 'unopened' | 'open' | 'memory' | 'off';
  result: OpenResult | null;
  dirs: Layout | null;
  program: Program;
  now: () => Date;
  envVar: string | undefined;
  map: CountMap | null;
  span: Span | null;
  timer: RotationTimer;
  /** Counters that ever took the slow path: rotation must detach them from the old mapping. */
  known: CounterSlot[];
  /** Counters holding increments that are not yet in a file. */
  dirty: Set<CounterSlot>;
  maintenanceQueued: boolean;
  hooks: Array<() => void>;
  /** Files given up inside an increment, closed in the next maintenance step. */
  closing: CountMap[];
}

const fresh = (): State => {
  const state: State = {
    status: 'unopened', result: null, dirs: null, program: { name: '', version: '' },
    now: () => new Date(), envVar: undefined, map: null, span: null,
    timer: rotationTimer({
      // A timer of a state that tests replaced (resetForTests) finds nothing open.
      endMs: () =>
        st === state && state.status === 'open' && state.span ? state.span.end.getTime() : null,
      now: () => state.now(),
      rotate: () => rotate(),
      fail: (e) => fail(e),
    }),
    known: [], dirty: new Set(), maintenanceQueued: false, hooks: [], closing: [],
  };
  return state;
};
let st: State = fresh();
let exitHooked = false;

export function slowAdd(c: CounterSlot, n: bigint): void {
  try {
    c.pending += n;
    if (!c.known) {
      c.known = true;
      st.known.push(c);
    }
    st.dirty.add(c);
    if (st.status === 'open') place(c);
    hookExit();
  } catch {
    // Counting must never surface an error in the host program.
  }
}

/** Places a counter in the mapping with memory operations only, or queues maintenance. */
function place(c: CounterSlot): void {
  const m = st.map;
  if (m === null) return;
  let off: number;
  try {
    off = resolve(m, c.bytes, c.bucket);
  } catch (e) {
    // The file passed the check at open, so someone damaged it since: stop using it, once
    // for the whole process, rather than walk the broken chain again at every increment.
    fail(e);
    return;
  }
  if (off === NEEDS_IO) return queueMaintenance();
  c.v = m.region.u64;
  c.i = off >>> 3;
  if (c.pending > 0n) addAt(c.v, c.i, c.pending);
  c.pending = 0n;
  st.dirty.delete(c);
}

/** Registers work to run in the maintenance step (e.g. naming new stacks). */
export function onMaintenance(fn: () => void): void {
  st.hooks.push(fn);
  queueMaintenance();
}

/** Runs the maintenance step now, synchronously: for a crash, where no later tick may come. */
export const flushNow = (): void => maintain();

function queueMaintenance(): void {
  hookExit();
  if (st.maintenanceQueued) return;
  st.maintenanceQueued = true;
  setImmediate(maintain).unref();
}

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => maintain());
}

const MAX_ROUNDS = 64;

/** The only place, apart from open and rotation, that makes system calls. */
function maintain(): void {
  st.maintenanceQueued = false;
  try {
    for (const m of st.closing.splice(0)) closeCountMap(m);
    const hooks = st.hooks.splice(0);
    // Off means nothing at all: not even naming stacks, which reads package.json files.
    if (st.status !== 'off') for (const fn of hooks) fn();
    // Each round learns the file's size, grows it for what is still waiting and places what
    // fits. Other processes may keep growing it meanwhile, so a round that placed nothing ends
    // the loop only if the file did not change either; the bound keeps exit quick regardless.
    for (let round = 0, stuck = 0; round < MAX_ROUNDS && stuck < 2 && st.status === 'open' && st.dirty.size > 0; round++) {
      const m = st.map!;
      const [waiting, size] = [st.dirty.size, m.size];
      reserveFor(m, st.dirty);
      sync(m);
      for (const c of [...st.dirty]) place(c);
      stuck = st.dirty.size === waiting && m.size === size ? stuck + 1 : 0;
    }
  } catch (e) {
    fail(e);
  }
  flushDebug();
}

/**
 * Asks for room for every waiting name at once: the end their records would reach, placed
 * one after another under the page rule. The file grows exactly as one allocation at a time
 * would grow it, so its bytes stay those Go's writer would produce.
 */
function reserveFor(m: CountMap, waiting: Set<CounterSlot>): void {
  if (m.wantEnd === 0) return;
  let end = Atomics.load(m.region.u32, m.hdrLen >>> 2);
  for (const c of waiting) end = placeRecord(end, m.hdrLen, recordSize(c.bytes.length)).end;
  m.wantEnd = Math.max(m.wantEnd, end);
}

/**
 * Reached only through hub.ts, which has already resolved the program and found no opt-out
 * in the environment (decide() below still reports one that appears later, at rotation).
 */
export function open(options: OpenOptions & { program: string; version: string }): OpenResult {
  if (st.result) return st.result;
  try {
    st.now = options.now ?? st.now;
    st.envVar = options.envVar;
    st.program = { name: options.program, version: options.version };
    const root = options.dir ?? defaultRoot();
    st.dirs = root === null ? null : layout(root);
    remember({ program: st.program.name, dirs: st.dirs, envVar: options.envVar, command: options.command, collector: options.collector });
    const d = decide({ dirs: st.dirs, program: st.program.name, envVar: options.envVar });
    for (const w of d.warnings) debugLog(st.dirs, w);
    if (d.mode === 'off') return finish('off', null, describe(d.decidedBy));
    recordOpened();
    st.result = { mode: d.mode, program: st.program, file: null, backend: null, reason: describe(d.decidedBy) };
    openWeek();
  } catch (e) {
    fail(e);
  }
  // Counting is on or local (off by now, after a purge, starts nothing): a weekly upload may be due.
  if (st.dirs && st.result && st.result.mode !== 'off') scheduleUploadCheck(st.dirs, st.now);
  flushDebug();
  return st.result ?? finish('local', null, 'not opened');
}

function describe(r: Reason): string {
  return `${r.source}: ${r.detail}`;
}

function finish(mode: Mode, file: string | null, reason: string): OpenResult {
  st.status = mode === 'off' ? 'off' : file ? 'open' : 'memory';
  st.result = { mode, program: st.program, file, backend: file ? backend()?.name ?? null : null, reason };
  return st.result;
}

/** Opens (or moves to) the file of the current week and arms the rotation timer. */
function openWeek(): void {
  const dirs = st.dirs!;
  const now = st.now();
  const span = counterSpan(now, readWeekend(dirs));
  const meta = {
    TimeBegin: timeString(span.begin), TimeEnd: timeString(span.end), Program: st.program.name, Version: st.program.version,
    Runtime: runtimeTag(), OS: process.platform, Arch: process.arch,
  };
  const header = buildHeader(meta);
  if (header === null) throw new Error('metadata too long (more than 512 bytes)');
  const be = backend();
  if (be === null) throw new Error(`no memory-mapping backend (${backendErrors().join('; ')})`);
  const path = join(dirs.localDir, countFileName(st.program, runtimeTag(), process.platform, process.arch, dateString(span.begin)));
  runTestHook('beforeCreate', path);
  const next = openCountMap(path, header, be);
  if (next.created && offSinceDecided(next)) return;
  const old = st.map;
  st.map = next;
  st.span = span;
  st.status = 'open';
  st.result = { ...st.result!, file: path, backend: be.name };
  for (const c of st.known) {
    c.v = null;
    if (c.pending > 0n) st.dirty.add(c);
  }
  if (old) closeCountMap(old);
  for (const c of [...st.dirty]) place(c);
  st.timer.arm();
}

/**
 * `telemetry off --purge` writes the mode, then lists and deletes the count files. A process
 * that read the mode just before may create its file just after the listing; so a process that
 * created its file reads the decision once more, and if it is now off, removes that file and
 * counts nothing (docs/count-file.md). A file that was there before is left to the purge.
 */
function offSinceDecided(m: CountMap): boolean {
  const d = decide({ dirs: st.dirs, program: st.program.name, envVar: st.envVar });
  if (d.mode !== 'off') return false;
  discardCountMap(m); // the purge may have deleted it already
  detach();
  finish('off', null, describe(d.decidedBy));
  return true;
}

/** At expiry: re-read the user's choice, then move to the new week's file. */
export function rotate(): void {
  try {
    if (st.status !== 'open' || !st.span) return;
    if (st.now().getTime() < st.span.end.getTime()) return st.timer.arm();
    const d = decide({ dirs: st.dirs, program: st.program.name, envVar: st.envVar });
    if (d.mode === 'off') {
      detach();
      finish('off', null, describe(d.decidedBy));
      return;
    }
    openWeek();
  } catch (e) {
    fail(e);
  }
  flushDebug();
}

/** Lets go of the file: counters drop their views of it; it is closed now or, when `later`, at maintenance. */
function detach(later = false): void {
  for (const c of st.known) c.v = null;
  if (st.map && later) st.closing.push(st.map);
  else if (st.map) closeCountMap(st.map);
  st.map = null;
  st.timer.cancel();
}

/**
 * Falls back to counting in memory, for good: the state leaves 'open', so nothing tries the
 * file again. It may run inside an increment (a chain found corrupt), so it does no I/O: the
 * file is closed and the reason logged (debug log only) in the maintenance step.
 */
function fail(e: unknown): void {
  const why = e instanceof CorruptError ? e.message : (e as Error)?.message ?? String(e);
  detach(true);
  queueDebug(st.dirs, `counting in memory: ${why}`);
  st.status = st.status === 'off' ? 'off' : 'memory';
  st.result = { mode: st.result?.mode ?? 'local', program: st.program, file: null, backend: null, reason: `counting in memory: ${why}` };
  queueMaintenance();
}

/** For tests that open again in one process. */
export function resetForTests(): void {
  detach();
  forgetOpened();
  resetUploadTrigger();
  for (const m of st.closing) closeCountMap(m);
  st = fresh();
}
