// The repository's files as the layout tests read them: walked from a folder, never into
// built, installed or generated folders (and not into `skipped`, paths relative to the root).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

/** Folders no layout rule looks into: dependencies, builds, test output, git. */
const GENERATED = new Set(['node_modules', 'dist', 'test-output', '.git']);

/** Files below `dir` (relative to the repository) whose names `wanted` accepts. */
export function filesBelow(
  dir: string,
  wanted: (name: string) => boolean,
  skipped: ReadonlySet<string> = new Set(),
): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = dir === '.' ? name : join(dir, name);
    if (GENERATED.has(name) || skipped.has(name) || skipped.has(path)) return [];
    if (statSync(join(ROOT, path)).isDirectory()) return filesBelow(path, wanted, skipped);
    return wanted(name) ? [path] : [];
  });
}
