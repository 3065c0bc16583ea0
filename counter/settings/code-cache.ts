// The engine's V8 code cache, kept in the telemetry directory (docs/startup.md). Compiling the
// 40 KB engine, top level and the functions open() runs, costs a tool ~2 ms at every start;
// with V8's cached data for it, about a third of that. The cache is written once, after the
// first open() that counts into a file and had none, and never trusted blindly: it is read
// through safeio (regular files only, bounded), only when this user owns it and nobody else may
// write it, only with our header naming this engine, this Node and this CPU and the exact
// length, and only when its data's two copies are equal byte for byte. V8 checks its own header
// but not its data, and corrupt data aborts the process; a second copy, compared by one native
// memcmp, costs nothing at start, where loading zlib for a CRC costs 0.4 to 1 ms.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Stats } from 'node:fs';
import type * as Vm from 'node:vm';
import { isUnreadable, readBytes } from '../../safeio/index.js';

/** The build ends the engine bundle with this line and the hash of the rest (scripts/build.mjs). */
export const ENGINE_HASH_MARK = '\n//# tt-engine-hash=';
const MAGIC = 'tt-v8-code-cache 2\n';
const CAP = 8 << 20;
/** The CommonJS wrapper Node itself puts around a module. */
const WRAP = ['(function (exports, require, module, __filename, __dirname) { ', '\n})'];

export interface CompiledModule {
  exports: unknown;
  /**
   * Hands the cache to `write` when this load had none (with why a cache there was not used,
   * for the debug log); call once the module's everyday work has run. Writing is left to the
   * engine, so that the entry, which counting off also loads, carries no writer.
   */
  save(write: CacheWriter): void;
}

export type CacheWriter = (file: string, bytes: Uint8Array, notes: readonly string[]) => void;

/** The cache file for the engine at `file`, or null when the engine carries no hash. */
export function codeCacheFile(root: string, source: string): string | null {
  const at = source.lastIndexOf(ENGINE_HASH_MARK);
  const tail = at < 0 ? '' : source.slice(at + ENGINE_HASH_MARK.length, at + 80);
  if (!isEngineHash(tail)) return null;
  const hash = tail.slice(0, HASH_LENGTH);
  return join(root, 'cache', `engine-${hash}-${process.version}-${process.arch}.v8`);
}

const HASH_LENGTH = 32;

/**
 * Whether `tail` starts with 32 lower-case hex digits ending its line (what the build writes).
 * A loop, not a regular expression: compiling one cost ~0.03 ms of every everyday start.
 */
function isEngineHash(tail: string): boolean {
  if (tail.length < HASH_LENGTH) return false;
  if (tail.length > HASH_LENGTH && tail.charCodeAt(HASH_LENGTH) !== 0x0a) return false;
  for (let at = 0; at < HASH_LENGTH; at++) {
    const code = tail.charCodeAt(at);
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

/** Loads the CommonJS module at `file` as `require` would, with V8's cached data if any. */
export function loadWithCodeCache(
  file: string,
  source: string,
  root: string | null,
): CompiledModule {
  // node:vm on first use (not at the entry's load, which counting off also pays); Node before
  // 20.16 has no process.getBuiltinModule, and there the engine compiles without a cache.
  const vm = process.getBuiltinModule?.('node:vm') as typeof Vm | undefined;
  const cacheFile = root === null || vm === undefined ? null : codeCacheFile(root, source);
  const name = cacheFile?.slice(cacheFile.lastIndexOf('engine-'));
  const header = cacheFile === null ? '' : `${MAGIC}${name}\n`;
  const notes: string[] = [];
  const cached = cacheFile === null ? null : readCache(cacheFile, header, notes);
  const Script = vm?.Script ?? (createRequire(file)('node:vm') as typeof Vm).Script;
  const options = { filename: file, ...(cached ? { cachedData: cached } : {}) };
  const script = new Script(WRAP[0] + source + WRAP[1], options);
  if (cached !== null && script.cachedDataRejected === true) {
    notes.push(`${cacheFile}: rejected by V8 (another build of Node or other flags)`);
  }
  const fresh = cached === null || script.cachedDataRejected === true;
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, lazyRequire(file), module, file, dirname(file));
  let saved = !fresh;
  return {
    exports: module.exports,
    save(write) {
      if (saved || cacheFile === null) return;
      saved = true;
      write(cacheFile, cacheBytes(header, script.createCachedData()), notes);
    },
  };
}

/**
 * The module's `require`, made on first use: createRequire costs ~0.7 ms and the everyday path
 * needs no module but built-ins.
 */
function lazyRequire(file: string): NodeJS.Require {
  let real: NodeJS.Require | undefined;
  const get = () => (real ??= createRequire(file));
  const lazy = (specifier: string): unknown =>
    specifier.startsWith('node:') && process.getBuiltinModule
      ? process.getBuiltinModule(specifier)
      : get()(specifier);
  // defineProperties, not Object.assign: assign would call the getters, and so createRequire.
  return Object.defineProperties(lazy, {
    resolve: {
      value: Object.assign(
        (specifier: string, options?: { paths?: string[] }) => get().resolve(specifier, options),
        { paths: (specifier: string) => get().resolve.paths(specifier) },
      ),
    },
    cache: { get: () => get().cache },
    main: { get: () => get().main },
    extensions: { value: {} },
  }) as unknown as NodeJS.Require;
}

function readCache(cacheFile: string, header: string, notes: string[]): Uint8Array | null {
  const bytes = readBytes(cacheFile, CAP, ownedByMe);
  if (isUnreadable(bytes)) {
    if (!bytes.absent) notes.push(`${cacheFile}: ignored: ${bytes.reason}`);
    return null;
  }
  // Plain loops and one native compare: the first Buffer.from() of a process costs ~0.1 ms on Node 20.
  const at = header.length;
  const length =
    startsWith(bytes, header) && bytes.length > at + 4 ? littleEndian32(bytes, at) : -1;
  // Truncated or padded, it is not what we wrote.
  if (bytes.length !== at + 4 + 2 * length) {
    notes.push(`${cacheFile}: ignored: not a code cache this engine wrote`);
    return null;
  }
  const data = bytes.subarray(at + 4, at + 4 + length);
  if (!Buffer.prototype.equals.call(data, bytes.subarray(at + 4 + length))) {
    notes.push(`${cacheFile}: ignored: its data is corrupt (the two copies differ)`);
    return null;
  }
  return data;
}

/** Whether `bytes` begin with `text`, a Latin-1 string (ours: ASCII). */
function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

function littleEndian32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! |
      (bytes[offset + 1]! << 8) |
      (bytes[offset + 2]! << 16) |
      (bytes[offset + 3]! << 24)) >>>
    0
  );
}

/** Code runs from this file: only the user's own, which no one else may change, is read. */
function ownedByMe(stats: Stats): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null; // Windows: no owner ids and no mode bits, its ACLs decide
  if (stats.uid !== uid) return 'is owned by another user';
  return (stats.mode & 0o022) !== 0 ? 'is writable by others' : null;
}

/** What the cache file holds: our header, the data's length, the data twice. */
function cacheBytes(header: string, data: Buffer): Uint8Array {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(data.length);
  return Buffer.concat([Buffer.from(header, 'latin1'), length, data, data]);
}
