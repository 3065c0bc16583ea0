// Picks the mapping backend: mmap-io, else koffi (on Windows: win32); without one, counts stay
// in memory.
import { koffi } from './koffi.js';
import { mmapIo } from './mmap-io.js';
import { win32 } from './win32.js';

import type { Backend } from './region.js';

/** Selects a backend; `TRANSPARENT_TELEMETRY_BACKEND` forces one (for tests and diagnosis). */
export const ENV_BACKEND = 'TRANSPARENT_TELEMETRY_BACKEND';

const LOADERS: Record<string, () => Backend> = { 'mmap-io': mmapIo, koffi, win32 };

let chosen: Backend | null | undefined;
let loadErrors: string[] = [];

export function backend(env: NodeJS.ProcessEnv = process.env): Backend | null {
  if (chosen !== undefined) return chosen;
  const forced = env[ENV_BACKEND];
  // mmap-io is not context-aware: in a worker thread of a process that loaded it already, the
  // load throws ERR_DLOPEN_FAILED and koffi takes over. (Asking node:worker_threads first
  // would cost every process 2.5 ms.) Backends on either side share the file correctly.
  const native = process.platform === 'win32' ? ['win32'] : ['mmap-io', 'koffi'];
  const order: string[] = forced ? [forced] : native;
  chosen = null;
  loadErrors = [];
  for (const name of order) {
    try {
      chosen = Object.hasOwn(LOADERS, name) ? LOADERS[name]!() : null; // 'none': memory
    } catch (e) {
      loadErrors.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (chosen) break;
  }
  return chosen;
}

/** Why no backend loaded, for the debug log. */
export function backendErrors(): readonly string[] {
  return loadErrors;
}
