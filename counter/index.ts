/**
 * Counting for command-line tools, without tracking anyone.
 *
 * ```ts
 * import { open, Counter, inc } from 'transparent-telemetry/counter';
 * open();                                  // once, early in main
 * inc('mytool/invocations');
 * const verbose = new Counter('mytool/flag:verbose');
 * if (flags.verbose) verbose.inc();
 * ```
 *
 * Counter naming (the collector's charts and configs rely on it):
 * - `/` builds a hierarchy whose first element names the owner: `mytool/…`.
 * - At most one `:`; `chart:bucket` puts the count in bucket `bucket` of chart `chart`
 *   (`mytool/flag:verbose`, `mytool/latency:<100ms` for histogram upper bounds).
 * - Words are joined with `-`; no whitespace, no newline (newlines are reserved for stack
 *   counters), valid Unicode (no lone surrogate), not empty, at most 4096 bytes of UTF-8.
 *   `new Counter()`, `inc()` and `new StackCounter()` throw a `TypeError` for any other name.
 * - Never put user data in a name: no paths, host names, user names, arguments or values
 *   the user typed. A name is a fixed string in your code, or one of a fixed set.
 *
 * Counts go to a weekly count file shared by every process on the machine (memory-mapped,
 * updated with atomic operations). Nothing here ever throws except a constructor given an
 * invalid name; nothing does I/O during an increment; nothing keeps the process alive.
 * @module
 */
import { Counter, checkName } from './counter.js';
import type { Answer, AskOptions, NoticeOptions, OpenOptions, OpenResult } from './engine/index.js';
import * as hub from './hub.js';

export { Counter } from './counter.js';
export { StackCounter } from './stack-counter.js';
export type { Answer, AskOptions, NoticeOptions, OpenOptions, OpenResult };
export type { Mode } from './settings/index.js';

/**
 * Starts counting into this week's file, once per process; later calls return the first
 * result. Increments made before it are kept and land now. Never throws: options of the wrong
 * type (say `{ program: 42 }`) give mode `off` and a reason naming the option, and counts
 * stay in memory.
 */
export function open(options?: OpenOptions | null): OpenResult {
  try {
    return hub.open(options);
  } catch (e) {
    return {
      mode: 'off',
      program: { name: '', version: '' },
      file: null,
      backend: null,
      reason: `not opened: ${(e as Error)?.message ?? e}`,
    };
  }
}

/**
 * Prints, once per program per machine, a short paragraph saying that this tool counts
 * locally and how to share or stop; only on a terminal, never in CI, never after the user
 * chose. Returns whether it printed. Never throws, never reads stdin.
 * Call it after `open()`: it speaks about the program, directory, variable and `command`
 * open() was given. Called before, it speaks as open() with no options would (your
 * package.json's name, the default directory), without opening anything.
 */
export function notice(options?: NoticeOptions): boolean {
  try {
    return hub.notice(options);
  } catch {
    return false;
  }
}

/**
 * Asks once, on a terminal, whether this tool may share its weekly counts (default no, gives
 * up after 30 s), and records `on` or `local` for this tool only. Null: not asked or not
 * answered. Never rejects. Like notice(), call it after `open()`.
 */
export function askToShare(options?: AskOptions): Promise<Answer | null> {
  try {
    return hub.askToShare(options);
  } catch {
    return Promise.resolve(null);
  }
}

const byName = new Map<string, Counter>();

/** Increments the counter `name`. Prefer a `Counter` kept in a variable on hot paths. */
export function inc(name: string): void {
  let c = byName.get(name);
  if (c === undefined) {
    // Counting off: no count is ever written, so only the name is checked (no counter is made,
    // which a start with counting off would pay for: −0.03 ms on Node 24).
    if (hub.countingOff()) return checkName(name, false);
    c = new Counter(name);
    byName.set(name, c);
  }
  c.inc();
}
