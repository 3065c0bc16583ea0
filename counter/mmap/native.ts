// Finding and loading the native mapping modules cheaply. `require('x')` first initialises
// CommonJS resolution (~1 ms per process) and koffi's own entry probes the platform (~8 ms);
// walking up to the package and `process.dlopen`-ing its binary costs a few stat calls.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Both computed on first use: each costs a fraction of a millisecond that most processes never need.
let here: string | undefined;
let req: NodeJS.Require | undefined;

export function requireHere(specifier: string): unknown {
  req ??= createRequire(import.meta.url);
  return req(specifier);
}

/** The folder of package `name` as Node would find it from this module, or null. */
export function packageDir(name: string): string | null {
  here ??= dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; ) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Loads a native addon by path; null when the file is absent or does not load here. */
export function dlopen<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  const mod = { exports: {} as T };
  try {
    process.dlopen(mod, file);
  } catch {
    return null; // e.g. a glibc build on a musl system, or a second load in a worker thread
  }
  return mod.exports;
}
