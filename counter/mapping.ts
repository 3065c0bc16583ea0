// Memory mapping behind one small interface, with two native backends tried in order:
// mmap-io (compiled at install; absent on most consumers' machines and unusable in worker
// threads) and koffi (prebuilt, calls libc's mmap). Without either, counts stay in memory.
import { createRequire } from 'node:module';

export type BackendName = 'mmap-io' | 'koffi';

/** A shared, writable view of a file. Bytes past the file's current size must never be touched. */
export interface Region {
  bytes: Uint8Array;
  u32: Uint32Array;
  u64: BigUint64Array;
}

export interface Backend {
  name: BackendName;
  /** Maps `length` bytes of `fd` shared and writable; `length` may exceed the file. */
  map(fd: number, length: number): Region;
}

/** Selects a backend; `TRANSPARENT_TELEMETRY_BACKEND` forces one (for tests and diagnosis). */
export const ENV_BACKEND = 'TRANSPARENT_TELEMETRY_BACKEND';

const require = createRequire(import.meta.url);
let chosen: Backend | null | undefined;
let loadErrors: string[] = [];

export function backend(env: NodeJS.ProcessEnv = process.env): Backend | null {
  if (chosen !== undefined) return chosen;
  const forced = env[ENV_BACKEND];
  // mmap-io is not context-aware: loading it in a worker thread fails (or worse), so workers start with koffi.
  const order: string[] = forced ? [forced] : isMainThread() ? ['mmap-io', 'koffi'] : ['koffi'];
  chosen = null;
  loadErrors = [];
  for (const name of order) {
    try {
      chosen = name === 'mmap-io' ? mmapIo() : name === 'koffi' ? koffi() : null;
    } catch (e) {
      loadErrors.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (chosen) break;
  }
  return chosen;
}

/** Why no backend loaded, for the debug log. */
export function backendErrors(): readonly string[] {
  return loadErrors;
}

/** Loaded on demand: start-up cost matters to every tool that links us. */
function isMainThread(): boolean {
  return (require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

function region(buf: ArrayBuffer, length: number): Region {
  return { bytes: new Uint8Array(buf, 0, length), u32: new Uint32Array(buf, 0, length >>> 2), u64: new BigUint64Array(buf, 0, length >>> 3) };
}

interface MmapIo {
  map(size: number, prot: number, flags: number, fd: number, offset?: number): Buffer;
  PROT_READ: number;
  PROT_WRITE: number;
  MAP_SHARED: number;
}

function mmapIo(): Backend {
  const mod = require('mmap-io') as MmapIo & { default?: MmapIo };
  const m = mod.default ?? mod;
  return {
    name: 'mmap-io',
    map(fd, length) {
      // The mapping is released by mmap-io's finalizer once nothing references the buffer.
      const buf = m.map(length, m.PROT_READ | m.PROT_WRITE, m.MAP_SHARED, fd, 0);
      return region(buf.buffer as ArrayBuffer, length);
    },
  };
}

interface Koffi {
  load(lib: string): { func(decl: string): (...args: unknown[]) => unknown };
  view(ptr: unknown, len: number): ArrayBuffer;
  address(ptr: unknown): bigint;
  errno(): number;
}

const LIBC: Record<string, string> = { linux: 'libc.so.6', darwin: 'libSystem.B.dylib', freebsd: 'libc.so.7' };
const PROT_RW = 3;
const MAP_SHARED = 1;

function koffi(): Backend {
  const lib = LIBC[process.platform];
  if (!lib) throw new Error(`no libc mapping for ${process.platform}`);
  const k = require('koffi') as Koffi;
  const mmap = k.load(lib).func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)');
  return {
    name: 'koffi',
    map(fd, length) {
      const p = mmap(null, length, PROT_RW, MAP_SHARED, fd, 0);
      if (p === null || k.address(p) === 0xffffffffffffffffn) throw new Error(`mmap failed, errno ${k.errno()}`);
      // Never unmapped: a counter may still hold a view, and touching an unmapped view would
      // crash the host. Mappings are replaced only at weekly rotation, so the cost is bounded.
      return region(k.view(p, length), length);
    },
  };
}

/** For tests that switch backends within one process. */
export function resetBackend(): void {
  chosen = undefined;
}
