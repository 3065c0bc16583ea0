// The seam between the small entry module (counter.ts, stack-counter.ts, index.ts) and the
// engine (state.ts and everything that does I/O). The published bundle loads the engine only
// when something needs it, so a tool whose user turned counting off in the environment pays
// for a few kilobytes of code and nothing else (DESIGN.md §5, "Start-up").
import type { Answer, AskOptions } from './ask.js';
import { setSlowPath } from './counter.js';
import type { Engine } from './engine.js';
import { loadEngineModule } from './engine-loader.js';
import { envOff } from './env.js';
import type { NoticeOptions } from './notice.js';
import { hostProgram } from './program.js';
import type { StackCounter } from './stack-counter.js';
import type { OpenOptions, OpenResult } from './state.js';

let engine: Engine | undefined;
/** What open() decided without the engine: counting off by the environment. */
let offResult: OpenResult | undefined;

function loaded(): Engine {
  if (!engine) {
    engine = loadEngineModule().engine;
    setSlowPath(engine.slowAdd);
  }
  return engine;
}

export function open(options: OpenOptions): OpenResult {
  if (offResult) return offResult;
  const host = options.program === undefined || options.version === undefined ? hostProgram() : null;
  const program = { name: options.program ?? host!.name, version: options.version ?? host!.version };
  const off = envOff(program.name, options.envVar);
  if (off) {
    offResult = { mode: 'off', program, file: null, backend: null, reason: off };
    return offResult;
  }
  return loaded().open({ ...options, program: program.name, version: program.version });
}

/** Stack counting needs the engine, except when counting is already known to be off. */
export function stackInc(s: StackCounter, above: Function): void {
  if (!offResult) loaded().stackInc(s, above);
}

export function notice(options?: NoticeOptions): boolean {
  return offResult ? false : loaded().notice(options);
}

export function askToShare(options?: AskOptions): Promise<Answer | null> {
  return offResult ? Promise.resolve(null) : loaded().askToShare(options);
}

/** For tests that open again in one process. */
export function resetHub(): void {
  offResult = undefined;
}
