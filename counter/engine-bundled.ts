// The entry bundles' engine loader (scripts/build.mjs puts it in place of engine-loader.ts):
// dist/counter/engine.cjs, beside the entry as published, or through the package name when a
// tool's bundler has inlined the entry into its own file (the engine then stays in
// node_modules). Compiled with the V8 code cache the telemetry directory keeps for it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from './engine/index.js';
import type { EngineModule } from './engine-loader.js';
import { loadWithCodeCache } from './settings/index.js';

export type { EngineModule } from './engine-loader.js';

/**
 * The engines this process (this thread) compiled, by file. Both entries (ES module and
 * CommonJS) carry this loader, and a process may load both: `require`'s cache made them share
 * one engine, and so must this, or one process would keep two count file states.
 */
const LOADED = Symbol.for('transparent-telemetry.engines');

function loadedEngines(): Map<string, Engine> {
  const holder = globalThis as { [LOADED]?: Map<string, Engine> };
  return (holder[LOADED] ??= new Map());
}

export function loadEngineModule(cacheRoot: string | null): EngineModule {
  let file = join(hereDir(), 'engine.cjs'); // the published layout: no resolution needed
  let source = loadedEngines().has(file) ? '' : readBeside(file);
  if (source === null) {
    file = resolveEngine();
    source = loadedEngines().has(file) ? '' : readFileSync(file, 'utf8');
  }
  const known = loadedEngines().get(file);
  if (known) return { engine: known, opened() {} };
  const compiled = loadWithCodeCache(file, source, cacheRoot);
  const { engine } = compiled.exports as { engine: Engine };
  loadedEngines().set(file, engine);
  // Written at exit, not now: the cache then also holds what the first increment and the
  // exit step compiled (−0.15 ms at every later start, docs/startup.md).
  const save = (): void => {
    try {
      compiled.save(engine.writeCodeCache);
    } catch {
      // Only the next start's compile time is at stake.
    }
  };
  return { engine, opened: () => process.once('exit', save) };
}

/**
 * This bundle's folder. The CommonJS entry has __dirname, the ES module one import.meta.dirname
 * (Node 20.11+): no URL to build and parse back, which costs an everyday start ~0.15 ms on Node 20.
 */
function hereDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  return import.meta.dirname ?? dirname(fileURLToPath(import.meta.url));
}

/** The engine's source beside this bundle, or null when it is not there (a tool's bundler moved the entry). */
function readBeside(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

function resolveEngine(): string {
  // `__filename` serves when a tool bundles this file into CommonJS, where import.meta is empty.
  const here = createRequire(import.meta.url ?? pathToFileURL(__filename).href);
  try {
    return here.resolve('./engine.cjs');
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw e;
    return here.resolve('transparent-telemetry/internal/engine');
  }
}
