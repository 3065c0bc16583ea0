// The Windows backend: koffi calling kernel32 (CreateFileMappingW, MapViewOfFile) on the
// HANDLE behind a Node file descriptor, which node.exe's own libuv hands out
// (uv_get_osfhandle, exported for addons). Also on Windows: opening a count file without
// following reparse points (symbolic links, junctions) and refusing anything that is not a
// disk file (devices such as NUL or CON, pipes), and reserving a file's size before mapping.
// docs/windows.md says why each rule is what it is.
import { toNamespacedPath } from 'node:path';
import { type Backend, region } from './region.js';
import { loadKoffi } from './koffi.js';

type Call = (...args: unknown[]) => unknown;

interface Kernel32 {
  view(ptr: unknown, len: number): ArrayBuffer;
  address(ptr: unknown): bigint;
  osHandle: (fd: number) => unknown;
  fdOf: (handle: unknown) => number;
  createFile: Call;
  createMapping: Call;
  mapView: Call;
  closeHandle: Call;
  unmapView: Call;
  fileType: Call;
  fileInfo: Call;
  lastError: () => number;
}

const PAGE_READWRITE = 0x04;
const FILE_MAP_ALL_ACCESS = 0x000f001f;
const GENERIC_READ_WRITE = 0xc0000000;
/** Others may read, write, delete and rename it while we hold it: as POSIX files behave. */
const SHARE_ALL = 0x7;
const OPEN_ALWAYS = 4;
const FILE_ATTRIBUTE_NORMAL = 0x80;
const FILE_FLAG_OPEN_REPARSE_POINT = 0x00200000;
const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
const FILE_TYPE_DISK = 1;
const INVALID_HANDLE = 0xffffffffffffffffn;

/** A few Win32 error codes worth a name; the others appear as numbers. */
const ERRORS: Record<number, string> = {
  2: 'ERROR_FILE_NOT_FOUND',
  3: 'ERROR_PATH_NOT_FOUND',
  5: 'ERROR_ACCESS_DENIED',
  8: 'ERROR_NOT_ENOUGH_MEMORY',
  32: 'ERROR_SHARING_VIOLATION',
  33: 'ERROR_LOCK_VIOLATION',
  112: 'ERROR_DISK_FULL',
  1224: 'ERROR_USER_MAPPED_FILE',
  1450: 'ERROR_NO_SYSTEM_RESOURCES',
  1455: 'ERROR_COMMITMENT_LIMIT',
};

export class Win32Error extends Error {
  /** ERROR_DISK_FULL and the like, else `WIN<code>`. */
  readonly symbol: string;
  constructor(
    readonly call: string,
    readonly code: number,
  ) {
    super(`${call} failed: ${ERRORS[code] ?? `Windows error ${code}`}`);
    this.name = 'Win32Error';
    this.symbol = ERRORS[code] ?? `WIN${code}`;
  }
}

let kernel32: Kernel32 | undefined;

/** kernel32's calls and node.exe's descriptor table, declared once (throws off Windows). */
function load(): Kernel32 {
  if (kernel32) return kernel32;
  if (process.platform !== 'win32') throw new Error('the win32 backend runs on Windows only');
  const k = loadKoffi();
  const lib = k.load('kernel32.dll');
  const self = k.load(process.execPath); // node.exe exports libuv for addons
  kernel32 = {
    view: (ptr, len) => k.view(ptr, len),
    address: (ptr) => k.address(ptr),
    osHandle: self.func('void *uv_get_osfhandle(int fd)') as (fd: number) => unknown,
    fdOf: self.func('int uv_open_osfhandle(void *handle)') as (handle: unknown) => number,
    createFile: lib.func(
      'void * __stdcall CreateFileW(str16 name, uint32_t access, uint32_t share, ' +
        'void *security, uint32_t disposition, uint32_t flags, void *template)',
    ),
    createMapping: lib.func(
      'void * __stdcall CreateFileMappingW(void *file, void *security, ' +
        'uint32_t protect, uint32_t sizeHigh, uint32_t sizeLow, void *name)',
    ),
    mapView: lib.func(
      'void * __stdcall MapViewOfFile(void *section, uint32_t access, ' +
        'uint32_t offsetHigh, uint32_t offsetLow, size_t length)',
    ),
    closeHandle: lib.func('int __stdcall CloseHandle(void *handle)'),
    unmapView: lib.func('int __stdcall UnmapViewOfFile(void *address)'),
    fileType: lib.func('uint32_t __stdcall GetFileType(void *handle)'),
    // BY_HANDLE_FILE_INFORMATION is 13 DWORDs; the first holds the attributes.
    fileInfo: lib.func('int __stdcall GetFileInformationByHandle(void *handle, void *info)'),
    lastError: lib.func('uint32_t __stdcall GetLastError()') as () => number,
  };
  return kernel32;
}

/** NULL or INVALID_HANDLE_VALUE (all ones): how kernel32 says a call failed. */
function invalid(kernel: Kernel32, handle: unknown): boolean {
  if (handle === null) return true;
  const address = kernel.address(handle);
  return address === 0n || address === INVALID_HANDLE;
}

/**
 * A section of `size` bytes over the file. Windows grows a file to a section's size (never
 * shrinks it), allocating its clusters or failing (ERROR_DISK_FULL): this is how the size is
 * reserved. The caller closes it.
 */
function section(kernel: Kernel32, descriptor: number, size: number): unknown {
  const file = kernel.osHandle(descriptor);
  const high = Math.floor(size / 2 ** 32);
  const sec = kernel.createMapping(file, null, PAGE_READWRITE, high, size >>> 0, null);
  if (invalid(kernel, sec)) throw new Win32Error('CreateFileMappingW', kernel.lastError());
  return sec;
}

export function win32(): Backend {
  const kernel = load();
  /** Each descriptor's views, for `release`. */
  const views = new Map<number, unknown[]>();
  return {
    name: 'win32',
    map(descriptor, length) {
      const sec = section(kernel, descriptor, length);
      try {
        const view = kernel.mapView(sec, FILE_MAP_ALL_ACCESS, 0, 0, length);
        if (invalid(kernel, view)) throw new Win32Error('MapViewOfFile', kernel.lastError());
        views.set(descriptor, [...(views.get(descriptor) ?? []), view]);
        // Not unmapped but by `release`, as on POSIX (koffi.ts says why). The view keeps the
        // section alive.
        return region(kernel.view(view, length), length);
      } finally {
        kernel.closeHandle(sec);
      }
    },
    release(descriptor) {
      for (const view of views.get(descriptor) ?? []) kernel.unmapView(view);
      views.delete(descriptor);
    },
  };
}

/**
 * Makes the file behind `descriptor` at least `end` bytes long, its clusters allocated: through a
 * section, which only ever grows a file, so a concurrent larger growth is never undone (a
 * size set with SetEndOfFile could shrink what another process had just grown).
 */
export function reserveWin32(descriptor: number, end: number): void {
  const kernel = load();
  kernel.closeHandle(section(kernel, descriptor, end));
}

/**
 * Opens (creating if needed) `path` for reading and writing without following a reparse
 * point, and returns a Node file descriptor. A reparse point (symbolic link, junction) or a
 * handle that is not a disk file (NUL, CON, a pipe) is refused and left as it is.
 */
export function openWin32(path: string): number {
  const kernel = load();
  const flags = FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT;
  // As Node's own fs calls do: \\?\C:\… reaches paths longer than MAX_PATH (260 characters).
  const name = toNamespacedPath(path);
  const handle = kernel.createFile(
    name,
    GENERIC_READ_WRITE,
    SHARE_ALL,
    null,
    OPEN_ALWAYS,
    flags,
    null,
  );
  if (invalid(kernel, handle)) throw new Win32Error(`CreateFileW ${path}`, kernel.lastError());
  try {
    if (kernel.fileType(handle) !== FILE_TYPE_DISK) {
      throw new Error(`${path}: is a device, not a file; left as it is`);
    }
    // Asked of the handle, not the name: the name may have been replaced since the open.
    const info = new Uint32Array(13);
    if (!kernel.fileInfo(handle, info)) {
      throw new Win32Error(`GetFileInformationByHandle ${path}`, kernel.lastError());
    }
    if (info[0]! & FILE_ATTRIBUTE_REPARSE_POINT) {
      throw new Error(`${path}: is a symbolic link or junction; left as it is`);
    }
  } catch (e) {
    kernel.closeHandle(handle);
    throw e;
  }
  const descriptor = kernel.fdOf(handle);
  if (descriptor < 0) {
    kernel.closeHandle(handle);
    throw new Error(`${path}: no file descriptor for its handle`);
  }
  return descriptor;
}
