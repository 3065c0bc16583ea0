// mmap-io 1.1.7, a dev dependency compiled in this repository's own checkout (on Node 20 it
// needs -std=gnu++17, which a consumer's `npm install` would not pass). Never chosen by itself:
// only when TRANSPARENT_TELEMETRY_BACKEND=mmap-io forces it (tests, diagnosis). No fallocate of
// its own: reserving goes through koffi.
import { join } from 'node:path';
import { type Backend, region } from './region.js';
import { dlopen, packageDir, requireHere } from './native.js';
import { koffiReserve } from './koffi.js';

interface MmapIo {
  map(size: number, prot: number, flags: number, descriptor: number, offset?: number): Buffer;
  PROT_READ: number;
  PROT_WRITE: number;
  MAP_SHARED: number;
}

export function mmapIo(): Backend {
  const dir = packageDir('mmap-io');
  const binding =
    (dir && dlopen<MmapIo>(join(dir, 'build', 'Release', 'mmap-io.node'))) || loadEntry();
  return {
    name: 'mmap-io',
    map(descriptor, length) {
      // The mapping is released by mmap-io's finalizer once nothing references the buffer.
      const buf = binding.map(
        length,
        binding.PROT_READ | binding.PROT_WRITE,
        binding.MAP_SHARED,
        descriptor,
        0,
      );
      return region(buf.buffer as ArrayBuffer, length);
    },
    reserve: koffiReserve,
  };
}

function loadEntry(): MmapIo {
  const mod = requireHere('mmap-io') as MmapIo & { default?: MmapIo };
  return mod.default ?? mod;
}
