// Reading small settings files that are usually absent. A failed readFileSync builds an
// Error with a stack (~0.1 ms cold) for every missing file; an existence check costs ~2 µs.
import { existsSync, readFileSync } from 'node:fs';

/** The file's text, or null when it is missing or unreadable. Never throws. */
export function readText(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
