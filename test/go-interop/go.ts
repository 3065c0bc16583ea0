// Go's own golang.org/x/telemetry (pinned in test/go/go.mod) run from the tests: `gen` writes
// count files with Go's counter package, `gotelemetry dump` reads files with Go's parser.
// buildGoProgram builds other programs of test/go, such as `note` (golang.org/x/mod/sumdb/note).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isCI } from 'ci-info';
import { ROOT, tempDir } from '../helpers.js';

export const GO_MODULE = join(ROOT, 'test', 'go');
export const GO_MISSING =
  'go is required for the Go interop tests: install Go 1.24 or later (https://go.dev/dl)';

let cachedGoEnv: NodeJS.ProcessEnv | undefined;
const hasGo = spawnSync('go', ['version'], { stdio: 'ignore', env: goCommandEnv() }).status === 0;

/** Without go the tests skip locally; in CI they run, and fail with GO_MISSING. */
export const skipGo = !hasGo && !isCI;
if (skipGo) console.warn(`skipped: ${GO_MISSING}`);

/**
 * The environment for the go command: Go's own build and module caches (so nothing is built or
 * downloaded twice between runs; nothing in the repo), but a temporary home and config folder,
 * because the go command counts its own use (Go's telemetry, under the user config folder) and
 * no test may write under the real home. No VCS stamping: a checkout git calls dubious (CI
 * containers) must not break the build.
 */
export function goCommandEnv(): NodeJS.ProcessEnv {
  if (!cachedGoEnv) {
    // Go's own defaults for its caches (`go help environment`), worked out here rather than
    // asked of `go env`, which would itself run the go command with the real home.
    const env = process.env;
    const home = env.HOME || homedir();
    const GOPATH = env.GOPATH?.split(delimiter)[0] || join(home, 'go');
    const caches = {
      GOPATH,
      GOMODCACHE: env.GOMODCACHE || join(GOPATH, 'pkg', 'mod'),
      GOCACHE: env.GOCACHE || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'go-build'),
    };
    const fake = tempDir('tt-go-cmd-home-');
    cachedGoEnv = { ...env, ...caches, HOME: fake, XDG_CONFIG_HOME: fake, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod -buildvcs=false' };
  }
  return cachedGoEnv;
}

export interface GoTools {
  gen: string;
  gotelemetry: string;
}

/**
 * Builds both binaries into test-output/go-bin/<name>/ (one folder per test file, as files run
 * in parallel); Go relinks only what changed, so a warm build takes well under a second.
 */
export function buildGoTools(name: string): GoTools {
  if (!hasGo) throw new Error(GO_MISSING);
  const out = join(ROOT, 'test-output', 'go-bin', name);
  mkdirSync(out, { recursive: true });
  const r = spawnSync('go', ['build', '-o', out + '/', './gen', 'golang.org/x/telemetry/cmd/gotelemetry'], {
    cwd: GO_MODULE,
    env: goCommandEnv(),
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`go build in test/go failed: ${r.stderr || r.error?.message}`);
  return { gen: join(out, 'gen'), gotelemetry: join(out, 'gotelemetry') };
}

/**
 * Builds `./<pkg>` of test/go (e.g. `note`, Go's golang.org/x/mod/sumdb/note) into
 * test-output/go-bin/<name>/ and returns the binary's path; call once per test file.
 */
export function buildGoProgram(name: string, pkg: string): string {
  if (!hasGo) throw new Error(GO_MISSING);
  const out = join(ROOT, 'test-output', 'go-bin', name);
  mkdirSync(out, { recursive: true });
  const r = spawnSync('go', ['build', '-o', out + '/', `./${pkg}`], { cwd: GO_MODULE, env: goCommandEnv(), encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`go build ./${pkg} in test/go failed: ${r.stderr || r.error?.message}`);
  return join(out, pkg);
}

/** A child environment whose home and config dirs are temporary: Go must not see the real ones. */
function isolated(): NodeJS.ProcessEnv {
  const home = tempDir('tt-go-home-');
  return { ...process.env, HOME: home, XDG_CONFIG_HOME: home };
}

export interface GenSpec {
  before?: Array<[string, string]>;
  after?: Array<[string, string]>;
  stack?: { name: string; depth: number; A: number; B: number };
}

/** Runs Go's writer into a fresh telemetry dir (mode local) and returns that dir. */
export function goWrite(tools: GoTools, spec: GenSpec): string {
  const dir = tempDir('tt-go-');
  writeFileSync(join(dir, 'mode'), 'local');
  execFileSync(tools.gen, [JSON.stringify({ dir, ...spec })], { env: isolated(), stdio: ['ignore', 'inherit', 'inherit'] });
  return dir;
}

export interface GoParsed {
  meta: Record<string, string>;
  counts: Map<string, bigint>;
}

/** What Go's parser reads from each file; throws, with Go's message, for a file Go rejects. */
export function goRead(tools: GoTools, files: string[]): Map<string, GoParsed> {
  const r = spawnSync(tools.gotelemetry, ['dump', ...files], { env: isolated(), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`gotelemetry dump failed: ${r.stderr}`);
  const parts = r.stdout.split(/^-- (.*) --$/m);
  const got = new Map<string, GoParsed>();
  for (let i = 1; i < parts.length; i += 2) {
    const { Meta, Count } = exactJson(parts[i + 1]!) as { Meta: Record<string, string>; Count: Record<string, string> };
    got.set(parts[i]!, { meta: Meta, counts: new Map(Object.entries(Count).map(([k, v]) => [k, BigInt(v)])) });
  }
  for (const f of files) if (!got.has(f)) throw new Error(`go's parser rejected ${f}: ${r.stderr.trim()}`);
  return got;
}

/** JSON.parse with every number kept as its decimal text, so 64-bit counts stay exact. */
export function exactJson(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c >= '0' && c <= '9') {
      let j = i;
      while (text[j]! >= '0' && text[j]! <= '9') j++;
      out += `"${text.slice(i, j)}"`;
      i = j - 1;
    } else out += c;
  }
  return JSON.parse(out);
}
