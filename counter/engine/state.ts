// The process-wide count file and its life cycle (docs/counter-states.md):
//   unopened ─open()→ open | memory | off;  open ─expiry→ open (next week) | memory | off.
// Increments never do I/O: the slow path of an increment and the maintenance step that does
// its I/O later are in maintenance.ts.
import { join } from 'node:path';
import {
  type CountMap,
  CorruptError,
  buildHeader,
  closeCountMap,
  countFileName,
  discardCountMap,
  openCountMap,
} from '../countfile/index.js';
import { backend, backendErrors } from '../mmap/index.js';
import {
  type Layout,
  type Mode,
  type Program,
  type Reason,
  type Span,
  counterSpan,
  dateString,
  debugLog,
  decide,
  defaultRoot,
  flushDebug,
  layout,
  queueDebug,
  readWeekend,
  runtimeTag,
  timeString,
} from '../settings/index.js';
import { type MaintainedState, bindMaintenance, place, queueMaintenance } from './maintenance.js';
import { forgetOpened, recordOpened, remember } from './opened.js';
import { type RotationTimer, rotationTimer } from './rotation-timer.js';
import { runTestHook } from './test-hook.js';
import { resetUploadTrigger, scheduleUploadCheck } from './upload-trigger.js';
import type { OpenOptions, OpenResult } from './types.js';

export type { OpenOptions, OpenResult } from './types.js';
export { rotationDelay } from './rotation-timer.js';

export interface State extends MaintainedState {
  result: OpenResult | null;
  dirs: Layout | null;
  program: Program;
  now: () => Date;
  envVar: string | undefined;
  map: CountMap | null;
  span: Span | null;
  timer: RotationTimer;
}

const fresh = (): State => {
  const state: State = {
    status: 'unopened',
    result: null,
    dirs: null,
    program: { name: '', version: '' },
    now: () => new Date(),
    envVar: undefined,
    map: null,
    span: null,
    timer: rotationTimer({
      // A timer of a state that tests replaced (resetForTests) finds nothing open.
      endMs: () =>
        st === state && state.status === 'open' && state.span ? state.span.end.getTime() : null,
      now: () => state.now(),
      rotate: () => rotate(),
      fail: (error) => fail(error),
    }),
    known: [],
    dirty: new Set(),
    maintenanceQueued: false,
    hooks: [],
    closing: [],
  };
  return state;
};
/** The engine's one state; maintenance.ts reads it too. Replaced only by resetForTests. */
let st: State = fresh();
bindMaintenance({ state: () => st, fail });

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
    remember({
      program: st.program.name,
      dirs: st.dirs,
      envVar: options.envVar,
      command: options.command,
      collector: options.collector,
    });
    const decision = decide({ dirs: st.dirs, program: st.program.name, envVar: options.envVar });
    for (const warning of decision.warnings) debugLog(st.dirs, warning);
    if (decision.mode === 'off') return finish('off', null, describe(decision.decidedBy));
    recordOpened();
    st.result = {
      mode: decision.mode,
      program: st.program,
      file: null,
      backend: null,
      reason: describe(decision.decidedBy),
    };
    openWeek();
  } catch (error) {
    fail(error);
  }
  // Counting is on or local (off by now, after a purge, starts nothing): a weekly upload may be due.
  if (st.dirs && st.result && st.result.mode !== 'off') scheduleUploadCheck(st.dirs, st.now);
  flushDebug();
  return st.result ?? finish('local', null, 'not opened');
}

function describe(reason: Reason): string {
  return `${reason.source}: ${reason.detail}`;
}

function finish(mode: Mode, file: string | null, reason: string): OpenResult {
  st.status = mode === 'off' ? 'off' : file ? 'open' : 'memory';
  st.result = {
    mode,
    program: st.program,
    file,
    backend: file ? (backend()?.name ?? null) : null,
    reason,
  };
  return st.result;
}

/** Opens (or moves to) the file of the current week and arms the rotation timer. */
function openWeek(): void {
  const dirs = st.dirs!;
  const now = st.now();
  const span = counterSpan(now, readWeekend(dirs));
  const meta = {
    TimeBegin: timeString(span.begin),
    TimeEnd: timeString(span.end),
    Program: st.program.name,
    Version: st.program.version,
    Runtime: runtimeTag(),
    OS: process.platform,
    Arch: process.arch,
  };
  const header = buildHeader(meta);
  if (header === null) throw new Error('metadata too long (more than 512 bytes)');
  const mapBackend = backend();
  if (mapBackend === null)
    throw new Error(`no memory-mapping backend (${backendErrors().join('; ')})`);
  const path = join(
    dirs.localDir,
    countFileName(st.program, runtimeTag(), process.platform, process.arch, dateString(span.begin)),
  );
  runTestHook('beforeCreate', path);
  const next = openCountMap(path, header, mapBackend);
  if (next.created && offSinceDecided(next)) return;
  const old = st.map;
  st.map = next;
  st.span = span;
  st.status = 'open';
  st.result = { ...st.result!, file: path, backend: mapBackend.name };
  for (const slot of st.known) {
    slot.v = null;
    if (slot.pending > 0n) st.dirty.add(slot);
  }
  if (old) closeCountMap(old);
  for (const slot of [...st.dirty]) place(slot);
  st.timer.arm();
}

/**
 * `telemetry off --purge` writes the mode, then lists and deletes the count files. A process
 * that read the mode just before may create its file just after the listing; so a process that
 * created its file reads the decision once more, and if it is now off, removes that file and
 * counts nothing (docs/counter-states.md). A file that was there before is left to the purge.
 */
function offSinceDecided(map: CountMap): boolean {
  const decision = decide({ dirs: st.dirs, program: st.program.name, envVar: st.envVar });
  if (decision.mode !== 'off') return false;
  discardCountMap(map); // the purge may have deleted it already
  detach();
  finish('off', null, describe(decision.decidedBy));
  return true;
}

/** At expiry: re-read the user's choice, then move to the new week's file. */
export function rotate(): void {
  try {
    if (st.status !== 'open' || !st.span) return;
    if (st.now().getTime() < st.span.end.getTime()) return st.timer.arm();
    const decision = decide({ dirs: st.dirs, program: st.program.name, envVar: st.envVar });
    if (decision.mode === 'off') {
      detach();
      finish('off', null, describe(decision.decidedBy));
      return;
    }
    openWeek();
  } catch (error) {
    fail(error);
  }
  flushDebug();
}

/** Lets go of the file: counters drop their views of it; it is closed now or, when `later`, at maintenance. */
function detach(later = false): void {
  for (const slot of st.known) slot.v = null;
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
export function fail(error: unknown): void {
  const why =
    error instanceof CorruptError ? error.message : ((error as Error)?.message ?? String(error));
  detach(true);
  queueDebug(st.dirs, `counting in memory: ${why}`);
  st.status = st.status === 'off' ? 'off' : 'memory';
  st.result = {
    mode: st.result?.mode ?? 'local',
    program: st.program,
    file: null,
    backend: null,
    reason: `counting in memory: ${why}`,
  };
  queueMaintenance();
}

/** For tests that open again in one process. */
export function resetForTests(): void {
  detach();
  forgetOpened();
  resetUploadTrigger();
  for (const map of st.closing) closeCountMap(map);
  st = fresh();
}
