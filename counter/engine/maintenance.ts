// The slow path of an increment and the maintenance step. Increments never do I/O: a counter
// that cannot be placed with memory operations alone keeps its count in `pending` and a
// maintenance step runs after the current tick (an unref'd immediate, so it never holds the
// process) and once more at exit. The state it works on is state.ts's, which binds itself
// here at load (bindMaintenance): this file imports nothing from state.ts, so no circle.
import {
  type CountMap,
  NEEDS_IO,
  addAt,
  closeCountMap,
  placeRecord,
  recordSize,
  resolve,
  sync,
} from '../countfile/index.js';
import { flushDebug } from '../settings/index.js';
import type { CounterSlot } from './types.js';

/** The part of the engine's state (state.ts) the slow path and the maintenance step use. */
export interface MaintainedState {
  status: 'unopened' | 'open' | 'memory' | 'off';
  map: CountMap | null;
  /** Counters that ever took the slow path: rotation must detach them from the old mapping. */
  known: CounterSlot[];
  /** Counters holding increments that are not yet in a file. */
  dirty: Set<CounterSlot>;
  maintenanceQueued: boolean;
  hooks: Array<() => void>;
  /** Files given up inside an increment, closed in the next maintenance step. */
  closing: CountMap[];
}

interface Binding {
  /** The current state: tests replace it (resetForTests), so it is read at each use. */
  state: () => MaintainedState;
  /** Falls back to counting in memory (state.ts `fail`). */
  fail: (error: unknown) => void;
}

let bound: Binding | null = null;
let exitHooked = false;

/** Called once by state.ts when it loads. */
export function bindMaintenance(binding: Binding): void {
  bound = binding;
}

const fail = (error: unknown): void => bound?.fail(error);

export function slowAdd(slot: CounterSlot, amount: bigint): void {
  try {
    const st = bound!.state();
    slot.pending += amount;
    if (!slot.known) {
      slot.known = true;
      st.known.push(slot);
    }
    st.dirty.add(slot);
    if (st.status === 'open') place(slot);
    hookExit();
  } catch {
    // Counting must never surface an error in the host program.
  }
}

/** Places a counter in the mapping with memory operations only, or queues maintenance. */
export function place(slot: CounterSlot): void {
  const st = bound!.state();
  const map = st.map;
  if (map === null) return;
  let off: number;
  try {
    off = resolve(map, slot.bytes, slot.bucket);
  } catch (error) {
    // The file passed the check at open, so someone damaged it since: stop using it, once
    // for the whole process, rather than walk the broken chain again at every increment.
    fail(error);
    return;
  }
  if (off === NEEDS_IO) return queueMaintenance();
  slot.v = map.region.u64;
  slot.i = off >>> 3;
  if (slot.pending > 0n) addAt(slot.v, slot.i, slot.pending);
  slot.pending = 0n;
  st.dirty.delete(slot);
}

/** Registers work to run in the maintenance step (e.g. naming new stacks). */
export function onMaintenance(hook: () => void): void {
  bound!.state().hooks.push(hook);
  queueMaintenance();
}

/** Runs the maintenance step now, synchronously: for a crash, where no later tick may come. */
export const flushNow = (): void => maintain();

export function queueMaintenance(): void {
  hookExit();
  const st = bound!.state();
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
  const st = bound!.state();
  st.maintenanceQueued = false;
  try {
    for (const map of st.closing.splice(0)) closeCountMap(map);
    const hooks = st.hooks.splice(0);
    // Off means nothing at all: not even naming stacks, which reads package.json files.
    if (st.status !== 'off') for (const hook of hooks) hook();
    // Each round learns the file's size, grows it for what is still waiting and places what
    // fits. Other processes may keep growing it meanwhile, so a round that placed nothing ends
    // the loop only if the file did not change either; the bound keeps exit quick regardless.
    for (
      let round = 0, stuck = 0;
      round < MAX_ROUNDS && stuck < 2 && st.status === 'open' && st.dirty.size > 0;
      round++
    ) {
      const map = st.map!;
      const [waiting, size] = [st.dirty.size, map.size];
      reserveFor(map, st.dirty);
      sync(map);
      for (const slot of [...st.dirty]) place(slot);
      stuck = st.dirty.size === waiting && map.size === size ? stuck + 1 : 0;
    }
  } catch (error) {
    fail(error);
  }
  flushDebug();
}

/**
 * Asks for room for every waiting name at once: the end their records would reach, placed
 * one after another under the page rule. The file grows exactly as one allocation at a time
 * would grow it, so its bytes stay those Go's writer would produce.
 */
function reserveFor(map: CountMap, waiting: Set<CounterSlot>): void {
  if (map.wantEnd === 0) return;
  let end = Atomics.load(map.region.u32, map.hdrLen >>> 2);
  for (const slot of waiting) end = placeRecord(end, map.hdrLen, recordSize(slot.bytes.length)).end;
  map.wantEnd = Math.max(map.wantEnd, end);
}
