// Shared by the upload-trigger tests: real host processes (test/fixtures/upload-host.mjs with the
// built entry), and what they and the child leave in `<dir>/debug/` and at `<dir>/upload.token`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_COUNTER, ROOT, cleanEnv, tempDir } from '../helpers.js';
import { WAIT_LIMIT_MS, until } from '../wait.js';

export const DAY = 86_400_000;

/** A telemetry directory with `debug/` (so the hosts and the child log) and `local/`. */
export function telemetryDir(): string {
  const dir = join(tempDir('tt-trig-'), 'telemetry');
  mkdirSync(join(dir, 'local'), { recursive: true });
  mkdirSync(join(dir, 'debug'));
  return dir;
}

/** Puts work in front of the uploader: a count file of a week that ended long ago. */
export function makeDue(dir: string): void {
  writeFileSync(join(dir, 'local', 'old-tool@1.0.0-node20.0.0-linux-x64-2026-01-05.v1.count'), '');
}

export interface HostRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When the host's `exit` event ran (after the toolkit's), epoch ms. */
  exitAt: number;
}

export function runHost(
  dir: string,
  spec: Record<string, unknown> = {},
  extraEnv: Record<string, string | undefined> = {},
  prefix: string[] = [],
): Promise<HostRun> {
  const env = cleanEnv({
    HOME: dir,
    TRANSPARENT_TELEMETRY_DIR: dir,
    TT_DIST_COUNTER: DIST_COUNTER,
    ...extraEnv,
  });
  const argv = [
    process.execPath,
    join(ROOT, 'test', 'fixtures', 'upload-host.mjs'),
    JSON.stringify(spec),
  ];
  const [cmd, ...args] = [...prefix, ...argv];
  const child = spawn(cmd!, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close' also waits for the pipes: a background run that inherited them would hold it.
    child.on('close', (code) => {
      const exit = /EXIT (\d+)/.exec(stdout);
      resolve({ code, stdout, stderr, exitAt: exit ? Number(exit[1]) : NaN });
    });
  });
}

/** Debug logs the children wrote: one file per child. */
export function childLogs(dir: string): string[] {
  return readdirSync(join(dir, 'debug'))
    .filter((name) => name.startsWith('upload-'))
    .map((name) => readFileSync(join(dir, 'debug', name), 'utf8'));
}

/** How many hosts said they started a run (their own debug logs). */
export function hostsThatStarted(dir: string): number {
  return readdirSync(join(dir, 'debug'))
    .filter((name) => name.startsWith('counter-'))
    .map((name) => readFileSync(join(dir, 'debug', name), 'utf8'))
    .filter((name) => name.includes('started a background run')).length;
}

export function tokenMtime(dir: string): number | null {
  try {
    return statSync(join(dir, 'upload.token')).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Polls `get()` until `done` holds for its answer, and returns that answer; rejects at `limitMs`
 * (a failure bound only), never returns an answer that does not hold.
 */
export async function waitFor<T>(
  get: () => T,
  done: (value: T) => boolean,
  limitMs = WAIT_LIMIT_MS,
): Promise<T> {
  const end = Date.now() + limitMs;
  let value = get();
  while (!done(value)) {
    if (Date.now() > end)
      throw new Error(`gave up after ${limitMs} ms; last answer: ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = get();
  }
  return value;
}

/**
 * The processes alive whose environment names `dir` (hosts and the runs they started: the run
 * is given TRANSPARENT_TELEMETRY_DIR), read from /proc; null where there is no /proc.
 */
export function processesOf(dir: string): number[] | null {
  if (!existsSync('/proc/self/environ')) return null;
  const marker = `\0TRANSPARENT_TELEMETRY_DIR=${dir}\0`;
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .map(Number)
    .filter((pid) => {
      try {
        return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(marker);
      } catch {
        return false; // gone already, or not ours to read
      }
    });
}

/**
 * Resolves once no process of `dir` is alive. After a host has exited, any run it started
 * exists already, so once this resolves nothing more can appear in `dir`: a test can assert
 * that nothing happened without sleeping first. Without /proc, a fixed wait stands in.
 */
export async function quiet(dir: string): Promise<void> {
  if (processesOf(dir) === null) return new Promise((wake) => setTimeout(wake, 1500));
  await until(`the processes of ${dir} to end`, () => processesOf(dir)!.length === 0, 50);
}

/** Waits until every child that started has logged its end and no process of `dir` is left. */
export async function settledChildLogs(dir: string, expectAtLeast: number): Promise<string[]> {
  const ended = (logs: string[]) =>
    logs.length >= expectAtLeast && logs.every((log) => /upload run ended/.test(log));
  await waitFor(() => childLogs(dir), ended);
  await quiet(dir);
  return childLogs(dir);
}
