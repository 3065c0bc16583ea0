// The project the Windows tests run in: the packed toolkit installed for win32-x64 (what
// `npm install` does on Windows: koffi's win32-x64 package) with test/windows/tool.mjs, and the
// ways to run that tool and the installed `telemetry` command under Wine (wine.ts).
import { spawnSync } from 'node:child_process';
import { isCI } from 'ci-info';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';
import { type WindowsOptions, ensurePrefix, runWindows, winPath, wineSkipReason } from './wine.js';

export const skip = wineSkipReason();
if (skip) console.warn(`skipped: the Windows tests: ${skip}`);

const work = tempDir('tt-wine-');
export const app = join(work, 'app');
const telemetry = join(app, 'node_modules', 'transparent-telemetry', 'dist', 'cmd', 'telemetry.js');

/**
 * Installing koffi's two packages takes ~40 s here. Outside CI, later runs start from a copy of
 * an earlier run's dependencies (node_modules without the toolkit), so only the new tarball is
 * installed; npm still replaces any dependency that no longer matches the tarball's package.json.
 */
const DEPS = join(ROOT, 'test-output', 'wine', 'deps');

/** For beforeAll. Packs the built dist/ as it is (scripts/test.mjs builds first; so must you). */
export function installApp(): void {
  ensurePrefix();
  const packArgs = ['pack', '--ignore-scripts', '--pack-destination', work];
  const pack = spawnSync('npm', packArgs, { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
  mkdirSync(app);
  if (!isCI && existsSync(join(DEPS, 'koffi'))) {
    try {
      cpSync(DEPS, join(app, 'node_modules'), { recursive: true });
    } catch {
      // Another test file replaced the copy meanwhile: install everything instead.
      rmSync(join(app, 'node_modules'), { recursive: true, force: true });
    }
  }
  const manifest = { name: '@acme/wintool', version: '2.0.1', type: 'module', private: true };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest));
  copyFileSync(join(import.meta.dirname, 'tool.mjs'), join(app, 'tool.mjs'));
  const flags = ['--no-audit', '--no-fund', '--os=win32', '--cpu=x64', '--force'];
  const install = spawnSync('npm', ['install', ...flags, join(work, tarball)], {
    cwd: app,
    encoding: 'utf8',
  });
  expect(install.status, install.stderr).toBe(0);
  keepDependencies();
}

/** Copies the dependencies aside, then renames: test files run in parallel and each keeps one. */
function keepDependencies(): void {
  const copy = `${DEPS}.${process.pid}.tmp`;
  const notOurs = /[\\/](transparent-telemetry|\.package-lock\.json|\.bin)$/;
  const filter = (from: string) => !notOurs.test(from);
  cpSync(join(app, 'node_modules'), copy, { recursive: true, filter });
  // Moved aside before removal: removing DEPS in place failed (ENOTEMPTY) when another file's
  // copy was renamed into it meanwhile.
  const old = `${DEPS}.${process.pid}.old`;
  try {
    renameSync(DEPS, old);
  } catch {
    // no copy yet, or another file moved it first
  }
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(copy, DEPS);
  } catch {
    rmSync(copy, { recursive: true, force: true }); // another file's copy got there first
  }
}

export interface ToolResult {
  mode: string;
  file: string | null;
  backend: string | null;
  reason: string;
}

/** Runs tool.mjs on Windows with its own telemetry folder (a Unix path, given as Z:\…). */
export async function tool(dir: string, spec: object = {}): Promise<ToolResult> {
  const run = await runWindows(['tool.mjs', JSON.stringify(spec)], {
    cwd: app,
    env: { TRANSPARENT_TELEMETRY_DIR: winPath(dir) },
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ToolResult;
}

/** tool.mjs started with `spec` and not awaited (a holder, a long run). */
export function startTool(dir: string, spec: object) {
  const env = { TRANSPARENT_TELEMETRY_DIR: winPath(dir) };
  return runWindows(['tool.mjs', JSON.stringify(spec)], { cwd: app, env });
}

/** The installed `telemetry` command on Windows, on the telemetry folder `dir`. */
export function telemetryOn(dir: string, args: string[], more: Partial<WindowsOptions> = {}) {
  const env = { TRANSPARENT_TELEMETRY_DIR: winPath(dir) };
  return runWindows([telemetry, ...args], { cwd: app, env, ...more });
}
