// The engine half of stack counters (the public class, which captures stacks, is in
// ../stack-counter.ts): naming a stack. One counter per distinct call stack, named
// `<name>\n<package>/<module>.<function>:+<line offset>\n…`. Frames never carry an absolute
// path or a user name: only the npm package, the module path inside it, the function and the
// line offset from the function's first line.
import { fileURLToPath } from 'node:url';
import { dirname, extname, relative, sep } from 'node:path';
import { MAX_NAME_LEN, encodeStack } from '../countfile/index.js';
import { findPackage } from '../settings/index.js';
import { onMaintenance } from './maintenance.js';
import type { CounterSlot, RawFrame, StackCounterFactory, StackEntry } from './types.js';

let makeCounter: StackCounterFactory | null = null;

/** The entry's counter constructor for stack names; set when the entry loads the engine. */
export function setStackCounterFactory(factory: StackCounterFactory): void {
  makeCounter = factory;
}

/** Names a newly seen stack in the maintenance step: naming reads package.json files. */
export function nameLater(prefix: string, entry: StackEntry): void {
  onMaintenance(() => {
    if (!makeCounter) return;
    entry.counter = makeCounter(encodeStack(prefix, entry.frames.map(formatFrame), MAX_NAME_LEN));
    entry.counter.add(entry.pending);
    entry.pending = 0;
  });
}

/**
 * Names and returns the counter of a stack at once, reading package.json files synchronously:
 * for a crash, where the process may end before any maintenance step.
 */
export function nameNow(
  prefix: string,
  frames: readonly RawFrame[],
  ifNone: string,
): CounterSlot | null {
  const lines = frames.length > 0 ? frames.map(formatFrame) : [ifNone];
  return makeCounter ? makeCounter(encodeStack(prefix, lines, MAX_NAME_LEN)) : null;
}

const packages = new Map<string, { root: string; name: string } | null>();

/** `<package>/<module path, no extension>.<function>:+<offset>`; nothing outside the package is kept. */
export function formatFrame(frame: RawFrame): string {
  const functionName = frame.fn.replace(/\s+/g, '_').slice(0, 200);
  const [pkg, mod] = placeFile(frame.file);
  // A stack read back from text has no function start line: `:+?` says so.
  return `${pkg}${mod ? `/${mod}` : ''}.${functionName}:+${frame.offset < 0 ? '?' : frame.offset}`;
}

function placeFile(file: string): [string, string] {
  if (file.startsWith('node:')) return ['node', file.slice(5)];
  let path = file;
  if (file.startsWith('file://')) {
    try {
      path = fileURLToPath(file);
    } catch {
      return ['<unknown>', ''];
    }
  }
  if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path))
    return [path === '' ? '<native>' : '<eval>', ''];
  path = path.split(sep).join('/');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 14).split('/');
    const n = parts[0]?.startsWith('@') ? 2 : 1;
    return [parts.slice(0, n).join('/'), stripExt(parts.slice(n).join('/'))];
  }
  const pkg = packageOf(dirname(path));
  if (!pkg) return ['<unknown>', ''];
  return [pkg.name, stripExt(relative(pkg.root, path).split(sep).join('/'))];
}

function packageOf(dir: string): { root: string; name: string } | null {
  if (!packages.has(dir)) packages.set(dir, findPackage(dir));
  return packages.get(dir) ?? null;
}

function stripExt(path: string): string {
  const ext = extname(path);
  return ext ? path.slice(0, -ext.length) : path;
}
