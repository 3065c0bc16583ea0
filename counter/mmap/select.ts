// Picks the mapping backend: the toolkit's own addon, else koffi; without either, counts stay
// in memory. mmap-io is never picked by itself (a dev dependency users do not get): tests force it.
import { addon } from './addon.js';
import { koffi } from './koffi.js';
import { mmapIo } from './mmap-io.js';

import type { Backend } from './region.js';

/** Selects a backend; `TRANSPARENT_TELEMETRY_BACKEND` forces one (for tests and diagnosis). */
export const ENV_BACKEND = 'TRANSPARENT_TELEMETRY_BACKEND';

/** Every backend by name; a new one is one entry here (and in `ORDER` if picked by itself). */
const BACKENDS: Record<string, () => Backend> = { addon, koffi, 'mmap-io': mmapIo };
/** Tried in this order unless one is forced. */
const ORDER = ['addon', 'koffi'];

let chosen: Backend | null | undefined;
let loadErrors: string[] = [];

export function backend(env: NodeJS.ProcessEnv = process.env): Backend | null {
  if (chosen !== undefined) return chosen;
  const forced = env[ENV_BACKEND];
  chosen = null;
  loadErrors = [];
  for (const name of forced ? [forced] : ORDER) {
    try {
      chosen = Object.hasOwn(BACKENDS, name) ? BACKENDS[name]!() : null;
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
