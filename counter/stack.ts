// Stack counters: one counter per distinct call stack, named
// `<name>\n<package>/<module>.<function>:+<line offset>\n…`. Frames never carry an absolute
// path or a user name: only the npm package, the module path inside it, the function and the
// line offset from the function's first line.
import { fileURLToPath } from 'node:url';
import { dirname, extname, relative, sep } from 'node:path';
import { type Counter, checkName, stackNameCounter } from './counter.js';
import { MAX_NAME_LEN } from './format.js';
import { findPackage } from './program.js';
import { onMaintenance } from './state.js';
import { decodeStack, encodeStack } from './stack-name.js';

interface RawFrame {
  file: string;
  fn: string;
  line: number;
  offset: number;
}

interface Entry {
  counter: Counter | null;
  frames: RawFrame[];
  pending: number;
}

export class StackCounter {
  readonly name: string;
  readonly depth: number;
  private readonly stacks = new Map<string, Entry>();

  constructor(name: string, depth = 8) {
    checkName(name, false);
    if (!Number.isInteger(depth) || depth < 1 || depth > 100) throw new TypeError(`stack depth must be an integer from 1 to 100, got ${depth}`);
    this.name = name;
    this.depth = depth;
  }

  inc(): void {
    try {
      const sites = capture(this.depth, StackCounter.prototype.inc);
      const key = sites.map((s) => `${s.getFileName()}:${s.getLineNumber()}:${s.getColumnNumber()}`).join('|');
      const known = this.stacks.get(key);
      if (known?.counter) return known.counter.inc();
      if (known) {
        known.pending++;
        return;
      }
      // Naming a new stack may read package.json files: that happens in the maintenance step.
      const entry: Entry = { counter: null, frames: sites.map(rawFrame), pending: 1 };
      this.stacks.set(key, entry);
      onMaintenance(() => this.nameStack(entry));
    } catch {
      // Never surface an error in the host program.
    }
  }

  /** The decoded names of the stacks this process has counted so far. */
  names(): string[] {
    return [...this.stacks.values()].flatMap((e) => (e.counter ? [decodeStack(e.counter.name)] : []));
  }

  private nameStack(e: Entry): void {
    e.counter = stackNameCounter(encodeStack(this.name, e.frames.map(formatFrame), MAX_NAME_LEN));
    e.counter.add(e.pending);
    e.pending = 0;
  }
}

function capture(depth: number, above: Function): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.stackTraceLimit = depth;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, above);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

function rawFrame(s: NodeJS.CallSite): RawFrame {
  const line = s.getLineNumber() ?? 0;
  const first = (s as unknown as { getEnclosingLineNumber?: () => number | null }).getEnclosingLineNumber?.() ?? line;
  const type = s.getTypeName();
  const fn = s.getFunctionName() ?? s.getMethodName() ?? '';
  const qualified = fn && type && !s.isToplevel() && !fn.includes('.') && type !== 'Object' ? `${type}.${fn}` : fn;
  return { file: s.getFileName() ?? '', fn: qualified || '<anonymous>', line, offset: Math.max(0, line - first) };
}

const packages = new Map<string, { root: string; name: string } | null>();

/** `<package>/<module path, no extension>.<function>:+<offset>`; nothing outside the package is kept. */
export function formatFrame(f: RawFrame): string {
  const fn = f.fn.replace(/\s+/g, '_').slice(0, 200);
  const [pkg, mod] = placeFile(f.file);
  return `${pkg}${mod ? `/${mod}` : ''}.${fn}:+${f.offset}`;
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
  if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) return [path === '' ? '<native>' : '<eval>', ''];
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

function stripExt(p: string): string {
  const ext = extname(p);
  return ext ? p.slice(0, -ext.length) : p;
}
