// Runs the real `telemetry` CLI, bundled from source into a temporary file (the same esbuild
// settings as scripts/build.mjs), in a child process with a clean environment and its own
// telemetry directory, so tests see exactly what a user would.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const GO_FIXTURE = resolve('testdata/go/gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count');
export const GO_PROGRAM = 'golang.org/x/telemetry/gopeer/gen';
/** "Today" in every test: the Go fixture (2026-11-22 to 2026-11-26) is active then. */
export const TODAY = '2026-11-23';

export async function buildCli(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'tt-cli-build-')), 'telemetry.mjs');
  await build({
    entryPoints: ['cmd/telemetry/bin.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile: out,
    external: ['koffi', 'mmap-io'],
    banner: {
      js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);",
    },
    logLevel: 'error',
  });
  return out;
}

export function tempDir(prefix = 'tt-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The parent environment minus anything that would change what the CLI decides or prints. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(DO_NOT_TRACK|NO_COLOR|FORCE_COLOR|TRANSPARENT_TELEMETRY.*|.*_TELEMETRY_DISABLED)$/.test(k)
    )
      continue;
    env[k] = v;
  }
  return { ...env, TRANSPARENT_TELEMETRY_NOW: TODAY, ...extra };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  dir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  /** Run as this user (through setpriv): root writes through any permission bits. */
  uid?: number;
}

let homeDir: string | undefined;
function home(): string {
  return (homeDir ??= tempDir('tt-home-'));
}

export function runCli(cli: string, args: string[], opts: RunOptions = {}): Run {
  const cwd = opts.cwd ?? opts.dir ?? tmpdir();
  // HOME is where the search for a project setting stops, so it must not be the cwd.
  const env = cleanEnv({
    HOME: home(),
    ...(opts.dir ? { TRANSPARENT_TELEMETRY_DIR: opts.dir } : {}),
    ...opts.env,
  });
  const [cmd, argv] =
    opts.uid === undefined ? [process.execPath, [cli, ...args]] : asUser(opts.uid, cli, args);
  const r = spawnSync(cmd, argv, { env, cwd, input: opts.input ?? '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function asUser(uid: number, cli: string, args: string[]): [string, string[]] {
  chmodSync(dirname(cli), 0o755); // mkdtemp made it private to root
  return [
    'setpriv',
    [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, cli, ...args],
  ];
}

/** A telemetry directory with a copy of the Go fixture in local/, optionally patched. */
export function dirWithFixture(
  patch?: (bytes: Buffer) => void,
  name = 'gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count',
): string {
  const dir = tempDir();
  addFixture(dir, name, patch);
  return dir;
}

export function addFixture(dir: string, name: string, patch?: (bytes: Buffer) => void): string {
  mkdirSync(join(dir, 'local'), { recursive: true });
  const path = join(dir, 'local', name);
  if (!patch) copyFileSync(GO_FIXTURE, path);
  else {
    const bytes = readFileSync(GO_FIXTURE);
    patch(bytes);
    writeFileSync(path, bytes);
  }
  return path;
}

/** Replaces text in the metadata; same length only, so offsets in the file stay valid. */
export function replaceMeta(bytes: Buffer, from: string, target: string): void {
  if (from.length !== target.length)
    throw new Error(`replaceMeta: '${target}' must be ${from.length} bytes`);
  const at = bytes.indexOf(from, 0, 'latin1');
  if (at < 0 || at > 544) throw new Error(`replaceMeta: '${from}' not in the header`);
  bytes.write(target, at, 'latin1');
}

export function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}
