// Writing the engine's V8 code cache (counter/settings/code-cache.ts reads it and builds the
// bytes): here, in the engine, so that the entry, which counting off also loads, carries no
// writer. By rename, owner-only; a failure only means the next start compiles (docs/startup.md).
import { dirname } from 'node:path';
import { writeAtomic } from '../../safeio/index.js';
import { debugLog, layout } from '../settings/index.js';

/** `file` is `<telemetry dir>/cache/<name>`; `notes` say why a cache there was not used. */
export function writeCodeCache(file: string, bytes: Uint8Array, notes: readonly string[]): void {
  const dirs = layout(dirname(dirname(file)));
  for (const note of notes) debugLog(dirs, note);
  try {
    writeAtomic(file, bytes, 0o600);
  } catch (e) {
    debugLog(dirs, `${file}: cannot write the engine's code cache: ${(e as Error)?.message ?? e}`);
  }
}
