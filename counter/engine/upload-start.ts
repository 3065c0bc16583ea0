// The rare part of starting the weekly upload (upload-trigger.ts says when it is loaded): is
// a run due (upload-due.ts), take the day's token, start the detached child. In the published
// package this is its own file, dist/counter/upload-start.cjs, which an everyday start never
// reads: a stat of the token settles that a run is not due today.
import type * as ChildProcess from 'node:child_process';
import {
  type BigIntStats,
  closeSync,
  existsSync,
  openSync,
  statSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import type * as Os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Layout, ENV_DIR, debugLog } from '../settings/index.js';
import { uploadDue } from './upload-due.js';
import { tokenState } from './upload-token.js';

/** A claim on the token lives microseconds; one this old was left by a process that died holding it. */
const CLAIM_MAX_MS = 60_000;

/**
 * Called when the token is absent or stale: starts a run if one is due and this process takes
 * the token. Returns why not, or 'started'. Throws on I/O errors (the caller logs them).
 */
export function startIfDue(dirs: Layout, now: Date, token: string): string {
  const due = uploadDue(dirs, now);
  if (due === null) return 'nothing due';
  const old = statSync(token, { bigint: true, throwIfNoEntry: false });
  const state = tokenState(old, now.getTime());
  if (state !== 'stale' && state !== 'absent') return state;
  if (!takeToken(token, old, now)) return 'token taken by another process';
  const child = startChild(dirs);
  debugLog(dirs, `upload: ${due}, started a background run (${child})`);
  return 'started';
}

/**
 * Takes the token this process saw (`old`, or absent): true for exactly one of the processes
 * that saw the same version. Throws on I/O errors other than losing the race.
 */
export function takeToken(token: string, old: BigIntStats | undefined, now: Date): boolean {
  return old === undefined ? create(token) : renew(token, old, now);
}

/** Exclusive create: of processes racing on an absent token, exactly one succeeds. */
function create(token: string): boolean {
  try {
    closeSync(openSync(token, 'wx', 0o666));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Renews a stale token, exactly once among racing processes: each creates, exclusively, a claim
 * named after the stale version it saw (inode and mtime), so one wins; the winner checks that
 * the token is still that version, sets its time to now and removes the claim. A process that
 * saw the stale version but claims after the renewal finds a newer token and gives up.
 */
function renew(token: string, old: BigIntStats, now: Date): boolean {
  const claim = `${token}.${old.ino}-${old.mtimeNs}`;
  if (!create(claim)) {
    // A claim left by a process killed between its claim and its renewal would hold the token
    // stale for good: after CLAIM_MAX_MS it is removed (this process still gives way).
    const s = statSync(claim, { throwIfNoEntry: false });
    if (s && now.getTime() - s.mtimeMs > CLAIM_MAX_MS) unlinkSync(claim);
    return false;
  }
  try {
    const got = statSync(token, { bigint: true });
    if (got.ino !== old.ino || got.mtimeNs !== old.mtimeNs) return false;
    utimesSync(token, now, now);
    return true;
  } finally {
    unlinkSync(claim);
  }
}

/** Spawns the child, detached, its output discarded; returns its pid for the debug log. */
function startChild(dirs: Layout): string {
  const path = childPath();
  if (path === null)
    throw new Error(
      'the upload child (transparent-telemetry/internal/upload-child) is not installed',
    );
  // A single executable (node --experimental-sea-config) would run itself, not the child.
  const sea = (
    process as { getBuiltinModule?: (id: string) => { isSea?: () => boolean } | undefined }
  ).getBuiltinModule?.('node:sea');
  if (sea?.isSea?.()) throw new Error('not started from a single executable application');
  // Its own directory as working directory: the host's may be unmounted or deleted meanwhile.
  const root = resolve(dirs.root);
  // Loaded here, not with the engine: node:child_process costs every tool ~4 ms to load (46
  // internal modules), and a run starts at most once a day.
  const load = createRequire(import.meta.url);
  const { spawn } = load('node:child_process') as typeof ChildProcess;
  const child = spawn(process.execPath, [path], {
    detached: true,
    stdio: 'ignore',
    env: childEnv(root),
    windowsHide: true,
    cwd: root,
  });
  child.on('error', (error) =>
    debugLog(dirs, `upload: the background run failed to start: ${error.message}`),
  );
  child.unref();
  // Lowest CPU priority: the run must not compete with the host, or with the user's next command.
  try {
    if (child.pid !== undefined) (load('node:os') as typeof Os).setPriority(child.pid, 19);
  } catch {
    // Not permitted here, or it is gone already: it runs at the normal priority.
  }
  return `pid ${child.pid}`;
}

/**
 * Beside the engine as published (dist/counter/engine.cjs → dist/upload/child.cjs), else
 * through the package name, for a tool whose bundler inlined the engine.
 */
function childPath(): string | null {
  try {
    const beside = fileURLToPath(new URL('../upload/child.cjs', import.meta.url));
    if (existsSync(beside)) return beside;
  } catch {
    // No file URL (the engine was bundled into something else): try the package.
  }
  try {
    return createRequire(import.meta.url).resolve('transparent-telemetry/internal/upload-child');
  } catch {
    return null;
  }
}

/**
 * Variables the child reads: proxies and certificates for HTTPS, and every opt-out (they lower
 * what it sends, never raise it). On Windows, NODE_SKIP_PLATFORM_CHECK too: without it the
 * same node that runs the host refuses to start on a Windows it does not list (and under Wine).
 */
const PASSED =
  /^(https?_proxy|no_proxy|node_extra_ca_certs|node_use_env_proxy|systemroot|node_skip_platform_check|do_not_track|transparent_telemetry|.+_telemetry_disabled)$/i;

/** A small environment: no NODE_OPTIONS (it could load anything into the child), no secrets the upload does not need. */
function childEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && PASSED.test(k)) env[k] = v;
  env[ENV_DIR] = root;
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}
