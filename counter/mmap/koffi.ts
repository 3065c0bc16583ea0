// Backend 2, the fallback where the addon does not load (a platform without a prebuilt one):
// koffi 3.x, an FFI whose prebuilt binaries come from the registry (no compiler), calling libc's
// mmap and fallocate directly. Loads in worker threads too.
import { join } from 'node:path';
import { type Backend, region } from './region.js';
import { dlopen, packageDir, requireHere } from './native.js';

export interface Koffi {
  load(lib: string): { func(decl: string): (...args: unknown[]) => unknown };
  view(ptr: unknown, len: number): ArrayBuffer;
  address(ptr: unknown): bigint;
  errno(): number;
}

const LIBC: Record<string, string> = {
  linux: 'libc.so.6',
  darwin: 'libSystem.B.dylib',
  freebsd: 'libc.so.7',
};
const PROT_RW = 3;
const MAP_SHARED = 1;

export function koffi(): Backend {
  const { k, libc } = koffiLibc();
  const mmap = libc.func(
    'void *mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)',
  );
  return {
    name: 'koffi',
    map(descriptor, length) {
      const pointer = mmap(null, length, PROT_RW, MAP_SHARED, descriptor, 0);
      if (pointer === null || k.address(pointer) === 0xffffffffffffffffn)
        throw new Error(`mmap failed, errno ${k.errno()}`);
      // Never unmapped: a counter may still hold a view, and touching an unmapped view would
      // crash the host. New ones come only at weekly rotation or when a file outgrows its
      // mapping (4 MiB past its end), so the address space used stays small.
      return region(k.view(pointer, length), length);
    },
    reserve: koffiReserve,
  };
}

let loaded: { k: Koffi; libc: ReturnType<Koffi['load']> } | undefined;

/** koffi and this platform's libc, loaded once per process (throws when either cannot load). */
function koffiLibc(): { k: Koffi; libc: ReturnType<Koffi['load']> } {
  if (loaded) return loaded;
  const lib = LIBC[process.platform];
  if (!lib) throw new Error(`no libc mapping for ${process.platform}`);
  const k = loadKoffi();
  loaded = { k, libc: k.load(lib) };
  return loaded;
}

type Fallocate = (descriptor: number, mode: number, offset: number, len: number) => number;
let fallocate: Fallocate | undefined;

/** fallocate(2) through koffi: 0, or its errno (also the mmap-io backend's, which has none). */
export function koffiReserve(descriptor: number, offset: number, length: number): number {
  if (!fallocate) {
    // 32-bit glibc's fallocate takes a 32-bit off_t; fallocate64 is the same call everywhere.
    const name = process.arch === 'arm' || process.arch === 'ia32' ? 'fallocate64' : 'fallocate';
    const decl = `int ${name}(int fd, int mode, int64_t offset, int64_t len)`;
    fallocate = koffiLibc().libc.func(decl) as Fallocate;
  }
  return fallocate(descriptor, 0, offset, length) === 0 ? 0 : koffiLibc().k.errno();
}

/** The platform package's binary (koffi 3.x layout), else koffi's own entry. */
export function loadKoffi(): Koffi {
  const dir = packageDir(`@koromix/koffi-${process.platform}-${process.arch}`);
  for (const triplet of dir
    ? [`${process.platform}_${process.arch}`, `musl_${process.arch}`]
    : []) {
    const k = dlopen<Partial<Koffi>>(join(dir!, triplet, 'koffi.node'));
    if (k && typeof k.load === 'function' && typeof k.view === 'function') return k as Koffi;
  }
  return requireHere('koffi') as Koffi;
}
