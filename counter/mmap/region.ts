// What a mapping backend hands back: typed views over one shared, writable file mapping.

export type BackendName = 'mmap-io' | 'koffi' | 'win32';

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
  /**
   * Unmaps every view of `fd`, where a mapped file cannot be deleted (Windows). Only for a file
   * no counter has a view of: touching an unmapped view would crash the host.
   */
  release?(fd: number): void;
}

export function region(buf: ArrayBuffer, length: number): Region {
  return { bytes: new Uint8Array(buf, 0, length), u32: new Uint32Array(buf, 0, length >>> 2), u64: new BigUint64Array(buf, 0, length >>> 3) };
}

