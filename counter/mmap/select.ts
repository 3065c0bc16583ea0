// Picks the mapping backend: the toolkit's own addon, else koffi; on Windows win32 (through
// koffi's kernel32), which can also release a file's views so it can be deleted (the addon
// cannot yet: its Windows build is shipped but only used when forced). Without one, counts stay
// in memory. mmap-io is never picked by itself (a dev dependency users do not get): tests force it.
import { addon } from './addon.js';
import { koffi } from './koffi.js';
import { mmapIo } from './mmap-io.js';
import { win32 } from './win32.js';

import type { Backend } from './region.js';

/** Selects a backend; `TRANSPARENT_TELEMETRY_BACKEND` forces one (for tests and diagnosis). */
export const ENV_BACKEND = 'TRANSPARENT_TELEMETRY_BACKEND';

/** Every backend by name; a new one is one entry here (and in `ORDER` if picked by itself). */
const BACKENDS: Record<string, () => Backend> = { addon, koffi, 'mmap-io': mmapIo, win32 };
/** Tried in this order unless one is forced. */
const ORDER = process.platform === 'win32' ? ['win32'] : ['addon', 'koffi'];

let chosen: Backend | null | undefined;
let loadErrors: string[] = [];

export function backend(env: NodeJS.ProcessEnv = process.env): Backend | null {
  if (chosen !== undefined) return chosen;
  const forced = env[ENV_BACKEND];
  chosen = null;
  loadErrors = [];
  for (const name of forced ? [forced] : ORDER) {
    try {
      chosen = Object.hasOwn(BACKENDS, name) ? BACKENDS[name]!() : null; // 'none': memory
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
