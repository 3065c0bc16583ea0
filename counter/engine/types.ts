// What the engine and the entry (counter.ts, stack-counter.ts, hub.ts) agree on. The entry's
// Counter has these fields; the engine sees them only through this interface, so the engine
// bundle carries no copy of the Counter class and every counter reaches one state.
import type { RawFrame } from '../countfile/index.js';
import type { BackendName } from '../mmap/index.js';
import type { Collector, Mode, Program } from '../settings/index.js';

/** A counter as the engine sees it: where its value lives, and what it still owes the file. */
export interface CounterSlot {
  readonly name: string;
  /** The value array of the current mapping, or null until resolved in it. */
  v: BigUint64Array | null;
  /** Index of the value in `v`. */
  i: number;
  /** Increments not yet in a file. */
  pending: bigint;
  /** The name's UTF-8 bytes and its bucket, computed on first use and kept (Counter's getters). */
  readonly bytes: Uint8Array;
  readonly bucket: number;
  /** True once known to the engine's registry. */
  known: boolean;
  inc(): void;
  add(n: number | bigint): void;
}

export type { RawFrame };

/** A distinct stack: its counter once named, and the count it holds until then. */
export interface StackEntry {
  counter: CounterSlot | null;
  frames: RawFrame[];
  pending: number;
}

/** Makes the counter for an encoded stack name (the one kind of name that holds newlines). */
export type StackCounterFactory = (name: string) => CounterSlot;

export interface OpenOptions {
  /** Program name; default: the `name` in the host's package.json. */
  program?: string;
  /** Program version; default: the `version` in the host's package.json. */
  version?: string;
  /** Telemetry directory; default: `$TRANSPARENT_TELEMETRY_DIR` or the user config directory. */
  dir?: string;
  /** The per-tool opt-out variable, instead of the one derived from the program name. */
  envVar?: string;
  /**
   * How your users run the telemetry command you mount (`transparent-telemetry/command`),
   * e.g. `'mytool telemetry'`: the notice and askToShare() then name `mytool telemetry off`.
   * Without it they name the opt-out variables instead. A value that is not a non-empty
   * line of printable characters is a bad option: counting is off, and the reason says why.
   */
  command?: string;
  /**
   * Where this program's weekly reports go, when the user chose `on`: your collector's base
   * URL (https:, or http: to 127.0.0.1, ::1 or localhost) and the verifier key of its config
   * log (`telemetry-server keygen` prints it); optionally `witnesses`, the verifier keys of
   * witnesses that must have cosigned the log's checkpoint, and `quorum`, how many of them
   * (default: all). Without it nothing of this program is ever uploaded. A value of the wrong
   * shape is a bad option: counting is off, and the reason says why.
   */
  collector?: Collector;
  /**
   * Counts crashes (docs/crash-counters.md): an uncaught exception, or an unhandled rejection
   * that ends the process, increments the stack counters `<program>/crash` and
   * `<program>/crash:exception` or `<program>/crash:rejection`, named by the throw site's
   * frames (as StackCounter names them). `true` keeps 8 frames; `{ depth }` 1 to 100. Off by
   * default; nothing is installed when counting is off.
   */
  crashes?: boolean | { depth?: number };
  /** Clock, for tests. */
  now?: () => Date;
}

export interface OpenResult {
  mode: Mode;
  program: Program;
  /** The count file in use, or null when counting in memory or off. */
  file: string | null;
  backend: BackendName | null;
  /** Why the mode is what it is, or why counting stays in memory. */
  reason: string;
}
