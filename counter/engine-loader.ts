// How the entry reaches the engine. In the source tree (and so in tests) it is a plain
// import; the build replaces this module in the entry bundles with engine-bundled.ts, which
// loads dist/counter/engine.cjs on first use through a V8 code cache (scripts/build.mjs).
import { type Engine, engine } from './engine/index.js';

export interface EngineModule {
  engine: Engine;
  /** Called once open() has run: the bundled loader then writes its code cache at exit, if it had none. */
  opened(): void;
}

/** `cacheRoot`: the telemetry directory the bundled loader keeps its code cache in, if any. */
export function loadEngineModule(cacheRoot: string | null): EngineModule {
  void cacheRoot;
  return { engine, opened() {} };
}
