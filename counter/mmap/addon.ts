// Backend 1: the toolkit's own Node-API addon (native/tt_mmap.c), prebuilt for seven platforms
// and shipped in the package (native/prebuilds/, built by scripts/build-addon.mjs). About 6 KB:
// it loads in ~0.1 ms where koffi.node (1.1 MB) takes ~1.1 ms. Found by direct path (no search):
// this module runs from counter/mmap/ in the source tree and from dist/counter/engine.cjs once
// built, both two folders below the package root. Context-aware, so it loads in worker threads.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, region } from './region.js';
import { dlopen } from './native.js';

interface Addon {
  map(descriptor: number, length: number): ArrayBuffer;
  reserve(descriptor: number, offset: number, length: number): number;
}

/** The prebuilt folders to try on this platform, in order (native/prebuilds/<name>/). */
export function addonTargets(
  platform: string = process.platform,
  arch: string = process.arch,
): string[] {
  // A glibc build does not load on musl and the other way round: try glibc, the common case, first.
  if (platform === 'linux') return [`linux-${arch}-gnu`, `linux-${arch}-musl`];
  return [`${platform}-${arch}`];
}

/** native/prebuilds of this package. */
export function prebuildsDir(): string {
  // In the engine bundle (CommonJS) __dirname is at hand; its import.meta.url is built from it.
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', 'native', 'prebuilds');
}

let loaded: Addon | null | undefined;

function loadAddon(): Addon {
  if (loaded === undefined) {
    loaded = null;
    for (const target of addonTargets()) {
      const mod = dlopen<Partial<Addon>>(join(prebuildsDir(), target, 'tt_mmap.node'));
      if (mod && typeof mod.map === 'function' && typeof mod.reserve === 'function') {
        loaded = mod as Addon;
        break;
      }
    }
  }
  if (!loaded) throw new Error(`no prebuilt addon loads on ${process.platform}-${process.arch}`);
  return loaded;
}

export function addon(): Backend {
  const native = loadAddon();
  return {
    name: 'addon',
    // The mapping is unmapped by the addon's finalizer once no view of it is left.
    map: (descriptor, length) => region(native.map(descriptor, length), length),
    reserve: (descriptor, offset, length) => native.reserve(descriptor, offset, length),
  };
}
