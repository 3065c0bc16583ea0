// StackCounter: one counter per distinct call stack. This half captures stacks, with V8's API
// only (no I/O); naming a new stack is the engine's (engine/stack.ts), in its maintenance step.
import { checkName } from './counter.js';
import { RUNTIME_SLACK, decodeStack, frameOfSite, isRuntimeFile } from './countfile/index.js';
import type { StackEntry } from './engine/index.js';
import { countingOff, nameLater } from './hub.js';

export class StackCounter {
  readonly name: string;
  readonly depth: number;
  /** @internal Stacks seen in this process, by call-site key. */
  readonly stacks = new Map<string, StackEntry>();

  constructor(name: string, depth = 8) {
    checkName(name, false);
    if (!Number.isInteger(depth) || depth < 1 || depth > 100)
      throw new TypeError(`stack depth must be an integer from 1 to 100, got ${depth}`);
    this.name = name;
    this.depth = depth;
  }

  /** Counts the caller's stack. About 5 µs: for rare events such as errors, not per operation. */
  inc(): void {
    try {
      if (countingOff()) return;
      const sites = capture(this.depth, StackCounter.prototype.inc);
      const key = sites
        .map((site) => `${site.getFileName()}:${site.getLineNumber()}:${site.getColumnNumber()}`)
        .join('|');
      const known = this.stacks.get(key);
      if (known?.counter) return known.counter.inc();
      if (known) {
        known.pending++;
        return;
      }
      const entry: StackEntry = { counter: null, frames: sites.map(frameOfSite), pending: 1 };
      this.stacks.set(key, entry);
      nameLater(this.name, entry);
    } catch {
      // Never surface an error in the host program.
    }
  }

  /** The decoded names of the stacks this process has counted so far. */
  names(): string[] {
    return [...this.stacks.values()].flatMap((entry) =>
      entry.counter ? [decodeStack(entry.counter.name)] : [],
    );
  }
}

/**
 * The caller's call sites, from the frame below `above`, at most `depth` of them, leaving out
 * Node's own (the same bug must give one name on every Node release). V8's cost grows with the
 * frames it walks, so it is asked for more only when Node's frames took some of the `depth`.
 */
function capture(depth: number, above: Function): NodeJS.CallSite[] {
  const sites = callSites(depth, above);
  if (!sites.some((site) => isRuntimeFile(site.getFileName()))) return sites;
  const more = sites.length < depth ? sites : callSites(depth + RUNTIME_SLACK, above);
  return more.filter((site) => !isRuntimeFile(site.getFileName())).slice(0, depth);
}

function callSites(limit: number, above: Function): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const stackLimit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.stackTraceLimit = limit;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, above);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = stackLimit;
  }
}
