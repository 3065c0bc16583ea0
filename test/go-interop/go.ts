// Go's own golang.org/x/telemetry (pinned in test/go/go.mod) run from the tests: `gen` writes
// count files with Go's counter package, `gotelemetry dump` reads files with Go's parser.
// goProgram finds other programs of test/go, such as `note` (golang.org/x/mod/sumdb/note).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCI } from 'ci-info';
import { tempDir } from '../helpers.js';
import { GO_BIN, goEnv } from './go-build.js';

export const GO_MISSING =
  'go is required for the Go interop tests: install Go 1.24 or later (https://go.dev/dl)';

let cachedGoEnv: NodeJS.ProcessEnv | undefined;
const goFound = spawnSync('go', ['version'], { stdio: 'ignore', env: goCommandEnv() }).status === 0;

/** Without go the tests skip locally; in CI they run, and fail with GO_MISSING. */
export const skipGo = !goFound && !isCI;
if (skipGo) console.warn(`skipped: ${GO_MISSING}`);

/** The go command's environment (see goEnv), with a temporary home removed after the file. */
export function goCommandEnv(): NodeJS.ProcessEnv {
  cachedGoEnv ??= goEnv(tempDir('tt-go-cmd-home-'));
  return cachedGoEnv;
}

export interface GoTools {
  gen: string;
  gotelemetry: string;
}

/** `gen` (Go's counter package writing files) and Go's `gotelemetry`, built by the setup. */
export function goTools(): GoTools {
  return { gen: goProgram('gen'), gotelemetry: goProgram('gotelemetry') };
}

/**
 * The binary of `./<pkg>` of test/go (e.g. `note`, Go's golang.org/x/mod/sumdb/note), built
 * once before the tests by test/setup/global.ts, never inside a timed test.
 */
export function goProgram(pkg: string): string {
  if (!goFound) throw new Error(GO_MISSING);
  const bin = join(GO_BIN, pkg);
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} is missing: run the tests through vitest (its globalSetup builds test/go)`,
    );
  }
  return bin;
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
  execFileSync(tools.gen, [JSON.stringify({ dir, ...spec })], {
    env: isolated(),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return dir;
}

export interface GoParsed {
  meta: Record<string, string>;
  counts: Map<string, bigint>;
}

/** What Go's parser reads from each file; throws, with Go's message, for a file Go rejects. */
export function goRead(tools: GoTools, files: string[]): Map<string, GoParsed> {
  const r = spawnSync(tools.gotelemetry, ['dump', ...files], {
    env: isolated(),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`gotelemetry dump failed: ${r.stderr}`);
  const parts = r.stdout.split(/^-- (.*) --$/m);
  const got = new Map<string, GoParsed>();
  for (let i = 1; i < parts.length; i += 2) {
    const { Meta, Count } = exactJson(parts[i + 1]!) as {
      Meta: Record<string, string>;
      Count: Record<string, string>;
    };
    got.set(parts[i]!, {
      meta: Meta,
      counts: new Map(Object.entries(Count).map(([key, value]) => [key, BigInt(value)])),
    });
  }
  for (const f of files)
    if (!got.has(f)) throw new Error(`go's parser rejected ${f}: ${r.stderr.trim()}`);
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
