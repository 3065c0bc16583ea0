// The engine: everything that reads or writes files on behalf of counting (the count file's
// life cycle, naming stacks, the notice and the question). The entry (../hub.ts) loads it on
// first need; in the published bundle it is its own file, dist/counter/engine.cjs.
import { askToShare } from './ask.js';
import { writeCodeCache } from './code-cache.js';
import { watchCrashes } from './crash.js';
import { notice } from './notice.js';
import { nameLater, setStackCounterFactory } from './stack.js';
import { slowAdd } from './maintenance.js';
import { open } from './state.js';

export type { CounterSlot, RawFrame, StackCounterFactory, StackEntry } from './types.js';
export type { Answer, AskOptions } from './ask.js';
export type { NoticeOptions } from './notice.js';
export type { OpenOptions, OpenResult } from './state.js';

export interface Engine {
  slowAdd: typeof slowAdd;
  open: typeof open;
  nameLater: typeof nameLater;
  notice: typeof notice;
  askToShare: typeof askToShare;
  /** The entry hands over how to make a stack's counter, so every counter is the entry's own. */
  setStackCounterFactory: typeof setStackCounterFactory;
  /** Counts crashes as stack counters; called only for `open({ crashes })` with counting not off. */
  watchCrashes: typeof watchCrashes;
  /** Writes the code cache the entry's loader compiled the engine without (engine-bundled.ts). */
  writeCodeCache: typeof writeCodeCache;
}

export const engine: Engine = {
  slowAdd,
  open,
  nameLater,
  notice,
  askToShare,
  setStackCounterFactory,
  watchCrashes,
  writeCodeCache,
};
