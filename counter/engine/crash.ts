// Crash counters (docs/crash-counters.md): `open({ crashes: true })` counts the throw site of an
// uncaught exception, and of an unhandled rejection that Node turns into one, as the stack
// counters `<program>/crash` and `<program>/crash:<kind>`. Nothing here runs, and nothing is
// installed, unless a tool asks for it and counting is not off.
//
// Only Node's monitor event is used: `uncaughtExceptionMonitor` observes, it does not handle,
// so the host's exit code, its stderr message and its other listeners stay as they were.
import { nameNow } from './stack.js';
import { flushNow } from './maintenance.js';
import type { CounterSlot } from './types.js';
import { type RawFrame, frameOfSite, isRuntimeFile } from '../countfile/index.js';

/** What a crash was, as Node reports it to the monitor. */
export type CrashKind = 'exception' | 'rejection';

let watching = false;

/**
 * The one frame of a crash with no stack to read (a rejection with a string, `throw 42`): its
 * name must still hold a newline, or it would read as a plain counter.
 */
const NO_STACK = '<no-stack>';

/**
 * Starts counting crashes of `program`, at most `depth` frames each, once per process.
 * The listener does its I/O synchronously: the process is about to die, and the count must be
 * in the mapped file before it does (a mapping needs no write, only the record in place).
 */
export function watchCrashes(program: string, depth: number): void {
  if (watching) return;
  watching = true;
  process.on('uncaughtExceptionMonitor', (thrown: unknown, origin: string) => {
    try {
      countCrash(
        program,
        depth,
        origin === 'unhandledRejection' ? 'rejection' : 'exception',
        thrown,
      );
    } catch {
      // A throw from a monitor listener would replace the host's error: never let one out.
    }
  });
}

/**
 * The counters of crashes seen in this process, by prefix and frames: a host that survives its
 * uncaught exceptions (its own 'uncaughtException' listener) may see the same one many times.
 */
const seen = new Map<string, CounterSlot | null>();
const MAX_SEEN = 256;

function countCrash(program: string, depth: number, kind: CrashKind, thrown: unknown): void {
  const frames = throwSite(thrown, depth);
  for (const prefix of [`${program}/crash`, `${program}/crash:${kind}`])
    counterFor(prefix, frames)?.inc();
  flushNow();
}

function counterFor(prefix: string, frames: RawFrame[]): CounterSlot | null {
  const sites = frames.map((frame) => `${frame.file}:${frame.line}:${frame.fn}:${frame.offset}`);
  const key = `${prefix}\n${sites.join('\n')}`;
  const known = seen.get(key);
  if (known !== undefined) return known;
  const counter = nameNow(prefix, frames, NO_STACK);
  if (seen.size < MAX_SEEN) seen.set(key, counter);
  return counter;
}

/**
 * The frames where `thrown` was created, without Node's own, at most `depth`. V8 formats an
 * error's `stack` on first read: reading it here, through the formatter in place (Node's or
 * the host's), hands us V8's call sites and leaves the text the host prints unchanged. A stack
 * already read as text is parsed instead; that text holds no function start line, so its
 * frames carry `:+?` where a line offset would be (docs/crash-counters.md).
 */
export function throwSite(thrown: unknown, depth: number): RawFrame[] {
  if (typeof thrown !== 'object' || thrown === null) return [];
  const sites = callSites(thrown);
  const frames = sites
    ? sites.map(frameOfSite)
    : parseStackText((thrown as { stack?: unknown }).stack);
  return frames.filter((frame) => !isRuntimeFile(frame.file)).slice(0, depth);
}

function callSites(thrown: object): NodeJS.CallSite[] | null {
  const formatter = Error.prepareStackTrace;
  let seen: NodeJS.CallSite[] | null = null;
  try {
    Error.prepareStackTrace = (error, sites) => {
      seen = sites;
      // Node's default formatter is Error.prepareStackTrace itself on Node 20.x, 22 and 24.
      return formatter ? formatter(error, sites) : defaultText(error, sites);
    };
    void (thrown as { stack?: unknown }).stack;
  } catch {
    // A getter that throws: no frames from it.
  } finally {
    Error.prepareStackTrace = formatter;
  }
  return seen;
}

function defaultText(error: Error, sites: NodeJS.CallSite[]): string {
  return [String(error), ...sites.map((site) => `    at ${site}`)].join('\n');
}

/** `    at fn (file:line:col)` or `    at file:line:col`; the line offset is unknown. */
const FRAME_LINE = /^\s*at (?:async )?(?:(.*?) \((.*):(\d+):\d+\)|(.*):(\d+):\d+)$/;

function parseStackText(stack: unknown): RawFrame[] {
  if (typeof stack !== 'string') return [];
  const frames: RawFrame[] = [];
  for (const text of stack.split('\n')) {
    const parts = FRAME_LINE.exec(text);
    if (!parts) continue;
    const fn = (parts[1] ?? '').replace(/^new /, '').replace(/ \[as .*\]$/, '');
    frames.push({
      file: parts[2] ?? parts[4] ?? '',
      fn: fn || '<anonymous>',
      line: Number(parts[3] ?? parts[5]),
      offset: -1,
    });
  }
  return frames;
}
