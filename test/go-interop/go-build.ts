// Builds every Go program of test/go once, before any test runs (vitest's globalSetup, see
// test/setup/global.ts), so that no timed test waits for a compiler or a cold module cache.
// Kept free of vitest imports: it runs in vitest's main process, outside any test file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const GO_MODULE = resolve(import.meta.dirname, '..', 'go');
/** Where the binaries go: one folder shared by every test file, named after each package. */
export const GO_BIN = resolve(import.meta.dirname, '..', '..', 'test-output', 'go-bin');
/** The packages of test/go the tests run, and Go's own reader of count files. */
const PACKAGES = ['./gen', './note', './cosig', './tlog', './report', './uploader'];
const GOTELEMETRY = 'golang.org/x/telemetry/cmd/gotelemetry';
export const GO_PROGRAMS = [...PACKAGES.map((pkg) => pkg.slice(2)), 'gotelemetry'];

/**
 * Go's own default build and module caches (`go help environment`), worked out here rather
 * than asked of `go env`, which would itself run the go command with the real home.
 */
export function goCaches(env: NodeJS.ProcessEnv): Record<string, string> {
  const home = env.HOME || homedir();
  const goPath = env.GOPATH?.split(delimiter)[0] || join(home, 'go');
  return {
    GOPATH: goPath,
    GOMODCACHE: env.GOMODCACHE || join(goPath, 'pkg', 'mod'),
    GOCACHE: env.GOCACHE || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'go-build'),
  };
}

/**
 * The go command's environment: Go's caches, but a temporary home and config folder, because
 * the go command counts its own use (Go's telemetry, under the user config folder) and no test
 * may write under the real home. No VCS stamping: a checkout git calls dubious (CI
 * containers) must not break the build.
 */
export function goEnv(fakeHome: string): NodeJS.ProcessEnv {
  const env = process.env;
  return {
    ...env,
    ...goCaches(env),
    HOME: fakeHome,
    XDG_CONFIG_HOME: fakeHome,
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod -buildvcs=false',
  };
}

export function hasGo(): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, 'go')));
}

/** The newest modification time among test/go's sources (go.mod, go.sum, *.go). */
function newestSource(dir = GO_MODULE): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/** True when every binary exists and is newer than every source: nothing to build. */
function upToDate(): boolean {
  const sources = newestSource();
  return GO_PROGRAMS.every((name) => {
    const bin = join(GO_BIN, name);
    return existsSync(bin) && statSync(bin).mtimeMs > sources;
  });
}

/**
 * Builds all programs in one `go build` (shared packages compile once). Returns an error
 * message, or null on success or when go is missing (the tests then skip, or fail in CI).
 */
export function buildGoPrograms(): string | null {
  if (!hasGo() || upToDate()) return null;
  mkdirSync(GO_BIN, { recursive: true });
  const fakeHome = mkdtempSync(join(tmpdir(), 'tt-go-build-home-'));
  try {
    const built = spawnSync('go', ['build', '-o', GO_BIN + '/', ...PACKAGES, GOTELEMETRY], {
      cwd: GO_MODULE,
      env: goEnv(fakeHome),
      encoding: 'utf8',
    });
    if (built.status === 0) return null;
    return `go build in test/go failed: ${built.stderr || built.error?.message}`;
  } finally {
    rmSync(fakeHome, { recursive: true, force: true });
  }
}
