// StackCounter: one counter per distinct call stack. This is its public, light half; capturing
// and naming stacks is the engine's (stack.ts), loaded on the first increment.
import { type Counter, checkName } from './counter.js';
import { stackInc } from './hub.js';
import { decodeStack } from './stack-name.js';

/** @internal One call frame as V8 reports it; never stored, only turned into a frame line. */
export interface RawFrame {
  file: string;
  fn: string;
  line: number;
  offset: number;
}

/** @internal A distinct stack: its counter once named, and the count it holds until then. */
export interface StackEntry {
  counter: Counter | null;
  frames: RawFrame[];
  pending: number;
}

export class StackCounter {
  readonly name: string;
  readonly depth: number;
  /** @internal Stacks seen in this process, by call-site key. */
  readonly stacks = new Map<string, StackEntry>();

  constructor(name: string, depth = 8) {
    checkName(name, false);
    if (!Number.isInteger(depth) || depth < 1 || depth > 100) throw new TypeError(`stack depth must be an integer from 1 to 100, got ${depth}`);
    this.name = name;
    this.depth = depth;
  }

  /** Counts the caller's stack. About 5 µs: for rare events such as errors, not per operation. */
  inc(): void {
    try {
      stackInc(this, StackCounter.prototype.inc);
    } catch {
      // Never surface an error in the host program.
    }
  }

  /** The decoded names of the stacks this process has counted so far. */
  names(): string[] {
    return [...this.stacks.values()].flatMap((e) => (e.counter ? [decodeStack(e.counter.name)] : []));
  }
}
