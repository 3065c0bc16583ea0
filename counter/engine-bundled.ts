// The entry bundles' engine loader (scripts/build.mjs puts it in place of engine-loader.ts):
// dist/counter/engine.cjs, beside the entry as published, or through the package name when a
// tool's bundler has inlined the entry into its own file (the engine then stays in
// node_modules). Compiled with the V8 code cache the telemetry directory keeps for it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
  const file = enginePath();
  const known = loadedEngines().get(file);
  if (known) return { engine: known, opened() {} };
  const compiled = loadWithCodeCache(file, readFileSync(file, 'utf8'), cacheRoot);
  const { engine } = compiled.exports as { engine: Engine };
  loadedEngines().set(file, engine);
  return { engine, opened: () => compiled.save(engine.writeCodeCache) };
}

function enginePath(): string {
  // `__filename` serves when a tool bundles this file into CommonJS, where import.meta is empty.
  // The CommonJS entry has __dirname: no URL to build and parse back (a part of every start).
  const beside = typeof __dirname === 'string'
    ? join(__dirname, 'engine.cjs')
    : fileURLToPath(new URL('./engine.cjs', import.meta.url));
  if (existsSync(beside)) return beside; // the published layout: no resolution needed
  const here = createRequire(import.meta.url ?? pathToFileURL(__filename).href);
  try {
    return here.resolve('./engine.cjs');
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw e;
    return here.resolve('transparent-telemetry/internal/engine');
  }
}
