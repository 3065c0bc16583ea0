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
 *   counters), valid Unicode, at most 4096 bytes.
 * - Never put user data in a name: no paths, host names, user names, arguments or values
 *   the user typed. A name is a fixed string in your code, or one of a fixed set.
 *
 * Counts go to a weekly count file shared by every process on the machine (memory-mapped,
 * updated with atomic operations). Nothing here ever throws except a constructor given an
 * invalid name; nothing does I/O during an increment; nothing keeps the process alive.
 * @module
 */
import { Counter } from './counter.js';

export { Counter } from './counter.js';
export { StackCounter } from './stack.js';
export { open, type OpenOptions, type OpenResult } from './state.js';
export { notice, type NoticeOptions } from './notice.js';
export { askToShare, type AskOptions, type Answer } from './ask.js';
export type { Mode } from './mode.js';

const byName = new Map<string, Counter>();

/** Increments the counter `name`. Prefer a `Counter` kept in a variable on hot paths. */
export function inc(name: string): void {
  let c = byName.get(name);
  if (c === undefined) {
    c = new Counter(name);
    byName.set(name, c);
  }
  c.inc();
}
