// The Counter object. Its fast path is one atomic add on the shared mapping; everything else
// (first use, no file yet, file full, rotation) goes through the slow path, which is the
// engine's (engine/maintenance.ts `slowAdd`) once the engine is loaded (hub.ts). The engine sees a
// counter through `CounterSlot`; the fields it uses are marked internal and left out of the
// published types.
import { MAX_NAME_LEN, MAX_U64, addAt, bucketOf, saturate } from './countfile/index.js';
import type { CounterSlot } from './engine/index.js';

let stackName = false;

type SlowPath = (slot: CounterSlot, amount: bigint) => void;
/** Counters incremented before the engine was loaded; it adopts them when it is. */
const early = new Set<CounterSlot>();
let slowAdd: SlowPath = (slot, amount) => {
  slot.pending += amount;
  early.add(slot);
};

/** @internal Hands the slow path to the engine, which takes over the counters seen so far. */
export function setSlowPath(engineSlowAdd: SlowPath): void {
  slowAdd = engineSlowAdd;
  for (const slot of early) engineSlowAdd(slot, 0n);
  early.clear();
}

/** @internal A counter for an encoded stack: the one kind of name that may hold newlines. */
export function stackNameCounter(name: string): Counter {
  stackName = true;
  try {
    return new Counter(name);
  } finally {
    stackName = false;
  }
}

export class Counter {
  readonly name: string;
  /** @internal The value array of the current mapping, or null until this counter is resolved in it. */
  v: BigUint64Array | null = null;
  /** @internal Index of this counter's value in `v`. */
  i = 0;
  /** @internal Increments not yet in a file. */
  pending = 0n;
  /** @internal True once known to the process-wide registry. */
  known = false;
  #bytes: Uint8Array | undefined;
  #bucket: number | undefined;

  constructor(name: string) {
    checkName(name, stackName);
    this.name = name;
  }

  // The name's bytes and bucket are made when the engine first needs them: a process with
  // counting off never does (the first Buffer.from and the hash's first call cost ~0.04 ms).
  /** @internal */
  get bytes(): Uint8Array {
    this.#bytes ??= Buffer.from(this.name, 'utf8');
    return this.#bytes;
  }

  /** @internal */
  get bucket(): number {
    this.#bucket ??= bucketOf(this.bytes);
    return this.#bucket;
  }

  inc(): void {
    const v = this.v;
    // 2^64 increments are out of reach, but a value written as 2^64−1 by another party must stay pinned.
    if (v !== null) {
      if (Atomics.add(v, this.i, 1n) === MAX_U64) saturate(v, this.i);
    } else slowAdd(this, 1n);
  }

  /** Adds `amount`; negative, fractional parts and non-numbers are ignored rather than thrown. */
  add(amount: number | bigint): void {
    let value: bigint;
    if (typeof amount === 'bigint') value = amount;
    else if (Number.isFinite(amount)) value = BigInt(Math.trunc(amount));
    else return;
    if (value <= 0n) return;
    if (value > MAX_U64) value = MAX_U64;
    if (this.v !== null) addAt(this.v, this.i, value);
    else slowAdd(this, value);
  }
}

/**
 * The code of the first character `/\s/u` matches, or -1. A loop, not the regular expression:
 * compiling it on first use was a measurable part of a start with counting off.
 */
function firstSpace(name: string): number {
  for (let at = 0; at < name.length; at++) {
    const code = name.charCodeAt(at);
    if (code > 0x20 && code < 0xa0) continue;
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d) || isWideSpace(code)) return code;
  }
  return -1;
}

/** The white space of `\s` above U+0080 (ECMAScript's WhiteSpace and LineTerminator). */
function isWideSpace(code: number): boolean {
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Validates a counter name; throws a TypeError naming the broken rule. The rules are the README's ("Names"):
 * non-empty, at most one `:`, no whitespace, valid Unicode, at most MAX_NAME_LEN bytes. A stack
 * counter's full name (`name\nframe\n…`, built by stackNameCounter) keeps only the first and
 * the last: its frames hold `:+offset` and whatever the runtime calls a function.
 */
export function checkName(name: unknown, stack: boolean): void {
  if (typeof name !== 'string')
    throw new TypeError(`counter name must be a string, got ${typeof name}`);
  if (name === '') throw new TypeError('counter name is empty');
  if (!stack) {
    const bad = firstSpace(name);
    if (bad !== -1)
      throw new TypeError(
        `counter name ${JSON.stringify(name)} contains ${bad === 10 ? 'a newline (reserved for stack counters)' : 'whitespace'}`,
      );
    if (name.indexOf(':') !== name.lastIndexOf(':'))
      throw new TypeError(`counter name ${JSON.stringify(name)} has more than one ":"`);
    if (!(name as unknown as { isWellFormed(): boolean }).isWellFormed())
      throw new TypeError(
        `counter name ${JSON.stringify(name)} is not valid Unicode (a lone surrogate)`,
      );
  }
  // Its length only: the bytes wait for the engine (Counter.bytes). Buffer, not TextEncoder
  // there: the first TextEncoder.encode() in a process costs ~2.5 ms.
  const length = Buffer.byteLength(name, 'utf8');
  if (length > MAX_NAME_LEN)
    throw new TypeError(`counter name is ${length} bytes long (at most ${MAX_NAME_LEN})`);
}
