// Shared by the settings tests: real host processes and the real built CLI, run concurrently
// with a hard time limit (a hang fails the test instead of stalling the run), optionally as
// the unprivileged user `nobody`, for whom permission bits hold even when tests run as root.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DIST_COUNTER, ROOT, tempDir } from '../helpers.js';
import { cleanEnv } from '../consent/harness.js';

export const HOST = join(ROOT, 'test', 'settings', 'host.mjs');
export const CLI = join(ROOT, 'dist', 'cmd', 'telemetry.js');
/** Generous for a loaded machine; a FIFO or /dev/zero read would never end at all. */
export const LIMIT_MS = 10_000;
export const IS_ROOT = process.getuid?.() === 0;
/** As root, files with mode 000 are readable: such cells run as nobody, through setpriv. */
export const CAN_DROP = IS_ROOT && existsSync('/usr/bin/setpriv');
const NOBODY = 65534;

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  asNobody?: boolean;
  limitMs?: number;
}

export function run(file: string, args: string[], options: RunOptions): Promise<Ran> {
  const argv = [file, ...args];
  const [cmd, full] = options.asNobody
    ? [
        'setpriv',
        [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, ...argv],
      ]
    : [process.execPath, argv];
  return new Promise((done, fail) => {
    const start = Date.now();
    const child = spawn(cmd, full, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.limitMs ?? LIMIT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - start, timedOut });
    });
  });
}

/** Runs `tasks` a few at a time: the machine has two cores and other tests run beside these. */
export async function inBatches<T>(tasks: (() => Promise<T>)[], size = 4): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < tasks.length; i += size)
    out.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))));
  return out;
}

/** A user with no opt-out and no CI markers, whose telemetry directory and home are given. */
export function userEnv(dir: string, home: string, distCounter = DIST_COUNTER): NodeJS.ProcessEnv {
  return cleanEnv({
    TRANSPARENT_TELEMETRY_DIR: dir,
    HOME: home,
    TT_DIST_COUNTER: distCounter,
    TRANSPARENT_TELEMETRY_NOW: '2026-11-23',
  });
}

export interface Programs {
  host: string;
  cli: string;
  counter: string;
}

let pub: Programs | undefined;
/** Copies of the host, the counter and the CLI that nobody can read wherever this checkout lives. */
export function publicPrograms(): Programs {
  if (pub) return pub;
  const dir = tempDir('tt-pub-');
  chmodSync(dir, 0o755);
  cpSync(join(ROOT, 'dist', 'counter'), join(dir, 'counter'), { recursive: true });
  cpSync(HOST, join(dir, 'host.mjs'));
  // The bin loads the CLI bundle beside it, so the whole folder goes.
  cpSync(dirname(CLI), join(dir, 'cmd'), { recursive: true });
  pub = {
    host: join(dir, 'host.mjs'),
    cli: join(dir, 'cmd', 'telemetry.js'),
    counter: join(dir, 'counter', 'index.js'),
  };
  return pub;
}

/** What a path is right now, to show a file was neither replaced, rewritten nor written into. */
export function snapshot(path: string): string {
  try {
    const st = lstatSync(path);
    const body =
      st.isFile() && (st.mode & 0o444) !== 0 && st.size < 1024
        ? readFileSync(path).toString('hex')
        : '';
    return JSON.stringify({ ino: st.ino, mode: st.mode, size: st.size, mtime: st.mtimeMs, body });
  } catch {
    return 'absent';
  }
}
