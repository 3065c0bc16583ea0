// How the entry reaches the engine. In the source tree (and so in tests) it is a plain
// import; the build replaces this module in the entry bundles with one that `require`s
// dist/counter/engine.cjs on first use (scripts/build.mjs, plugin "engine").
import { type Engine, engine } from './engine/index.js';

export function loadEngineModule(): { engine: Engine } {
  return { engine };
}
