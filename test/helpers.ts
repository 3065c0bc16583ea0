// Shared by tests: temporary telemetry directories and real child processes.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCountFile, type CountFile } from '../counter/countfile/index.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const DIST_COUNTER = join(ROOT, 'dist', 'counter', 'index.js');

const made: string[] = [];
// Registered while the importing test file is collected, so it runs once that file is done.
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'tt-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** The environment of a user who has expressed no opt-out anywhere. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env))
    if (
      k === 'DO_NOT_TRACK' ||
      k.startsWith('TRANSPARENT_TELEMETRY') ||
      k.endsWith('_TELEMETRY_DISABLED')
    )
      delete env[k];
  for (const [k, v] of Object.entries(extra))
    if (v === undefined) delete env[k];
    else env[k] = v;
  return env;
}

/** Runs test/fixtures/<name> with the built counter module. */
export function runFixture(
  name: string,
  args: unknown,
  env: NodeJS.ProcessEnv = cleanEnv(),
  cwd = ROOT,
  timeout = 120_000,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(ROOT, 'test', 'fixtures', name), JSON.stringify(args)], {
    env: { ...env, TT_DIST_COUNTER: DIST_COUNTER },
    cwd,
    encoding: 'utf8',
    timeout,
  });
}

export function countFiles(root: string): string[] {
  try {
    return readdirSync(join(root, 'local'))
      .filter((name) => name.endsWith('.v1.count'))
      .map((name) => join(root, 'local', name));
  } catch {
    return [];
  }
}

export function readOnly(file: string): CountFile {
  return parseCountFile(file, readFileSync(file));
}

/** The counts of the single count file under `root`. */
export function soleCounts(root: string): Map<string, bigint> {
  const files = countFiles(root);
  if (files.length !== 1)
    throw new Error(`expected 1 count file in ${root}, found ${files.length}`);
  return readOnly(files[0]!).counts;
}
