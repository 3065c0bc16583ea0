// What the engine and the entry (counter.ts, stack-counter.ts, hub.ts) agree on. The entry's
// Counter has these fields; the engine sees them only through this interface, so the engine
// bundle carries no copy of the Counter class and every counter reaches one state.

/** A counter as the engine sees it: where its value lives, and what it still owes the file. */
export interface CounterSlot {
  readonly name: string;
  /** The value array of the current mapping, or null until resolved in it. */
  v: BigUint64Array | null;
  /** Index of the value in `v`. */
  i: number;
  /** Increments not yet in a file. */
  pending: bigint;
  /** The name's UTF-8 bytes and its bucket, computed once. */
  readonly bytes: Uint8Array;
  readonly bucket: number;
  /** True once known to the engine's registry. */
  known: boolean;
  inc(): void;
  add(n: number | bigint): void;
}

/** One call frame as V8 reports it; never stored, only turned into a frame line. */
export interface RawFrame {
  file: string;
  fn: string;
  line: number;
  offset: number;
}

/** A distinct stack: its counter once named, and the count it holds until then. */
export interface StackEntry {
  counter: CounterSlot | null;
  frames: RawFrame[];
  pending: number;
}

/** Makes the counter for an encoded stack name (the one kind of name that holds newlines). */
export type StackCounterFactory = (name: string) => CounterSlot;
