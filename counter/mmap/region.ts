// What a mapping backend hands back: typed views over one shared, writable file mapping.

export type BackendName = 'addon' | 'koffi' | 'mmap-io' | 'win32';

/** A shared, writable view of a file. Bytes past the file's current size must never be touched. */
export interface Region {
  bytes: Uint8Array;
  u32: Uint32Array;
  u64: BigUint64Array;
}

export interface Backend {
  name: BackendName;
  /**
   * Maps `length` bytes of the file open as `descriptor`, shared and writable; `length` may
   * exceed the file.
   */
  map(descriptor: number, length: number): Region;
  /**
   * fallocate(2) mode 0 on bytes [offset, offset + length): 0, or the errno it failed with.
   * Throws when this backend has no native layer for it. Only called where `RESERVES` holds.
   */
  reserve?(descriptor: number, offset: number, length: number): number;
  /**
   * Unmaps every view of `descriptor`, where a mapped file cannot be deleted (Windows). Only for
   * a file no counter has a view of: touching an unmapped view would crash the host.
   */
  release?(descriptor: number): void;
}

export function region(buf: ArrayBuffer, length: number): Region {
  return {
    bytes: new Uint8Array(buf, 0, length),
    u32: new Uint32Array(buf, 0, length >>> 2),
    u64: new BigUint64Array(buf, 0, length >>> 3),
  };
}
