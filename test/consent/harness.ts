// Shared by the pty tests: the public entry under test, a child environment with no CI
// markers, and running a fixture on a real pseudo-terminal through `script`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(ROOT, 'test/fixtures');

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tt-${prefix}-`));
  made.push(dir);
  return dir;
}

/** For afterAll: the decision table alone makes dozens of directories. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The built public entry (`npm test` builds first): the fixtures call open() and then
 * notice() or askToShare() through it, exactly as a tool does, gating included.
 */
export function publicEntry(): string {
  const entry = join(ROOT, 'dist', 'counter', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run node scripts/build.mjs first`);
  return entry;
}

/** Every variable ci-info looks at, so that a test run inside CI still looks interactive. */
export function ciVariables(): string[] {
  const require = createRequire(import.meta.url);
  const vendors = require('ci-info/vendors.json') as { env: unknown }[];
  const names = new Set([
    'CI',
    'BUILD_ID',
    'BUILD_NUMBER',
    'CI_APP_ID',
    'CI_BUILD_ID',
    'CI_BUILD_NUMBER',
    'CI_NAME',
    'CONTINUOUS_INTEGRATION',
    'RUN_ID',
  ]);
  const add = (error: unknown): void => {
    if (typeof error === 'string') names.add(error);
    else if (Array.isArray(error)) error.forEach(add);
    else if (error && typeof error === 'object') {
      if ('env' in error) add((error as { env: unknown }).env);
      else if ('any' in error) add((error as { any: unknown }).any);
      else Object.keys(error).forEach((key) => names.add(key));
    }
  };
  for (const v of vendors) add(v.env);
  return [...names];
}

/** The parent's environment minus CI markers and every telemetry opt-out, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ciVariables()) delete env[name];
  for (const name of Object.keys(env)) {
    if (
      name === 'DO_NOT_TRACK' ||
      name.startsWith('TRANSPARENT_TELEMETRY') ||
      name.endsWith('_TELEMETRY_DISABLED') ||
      name.startsWith('TT_')
    )
      delete env[name];
  }
  return { ...env, SHELL: '/bin/sh', TERM: 'xterm', ...extra };
}

export interface Run {
  /** Everything the child wrote to the terminal, `\r` removed. */
  output: string;
  code: number | null;
  /** Milliseconds from start (or from sending the answer, when there is one) to exit. */
  ms: number;
}

export interface PtyOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Typed (followed by Enter) once `waitFor` has appeared on the terminal. */
  answer?: string;
  waitFor?: string;
  /** Shell redirections appended to the command, e.g. `2>/tmp/err`. */
  redirect?: string;
  /** The child is killed after this long; a hung child fails the test instead of the run. */
  limitMs?: number;
}

export const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** Runs `node <fixture>` with stdin, stdout and stderr on a pseudo-terminal. */
export function runInPty(fixture: string, options: PtyOptions): Promise<Run> {
  const command = `${quote(process.execPath)} ${quote(join(FIXTURES, fixture))}${options.redirect ? ` ${options.redirect}` : ''}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, options);
}

/** Runs a shell command line (quoted by the caller) with stdin, stdout and stderr on a pseudo-terminal. */
export function runCommandInPty(command: string, options: PtyOptions): Promise<Run> {
  // Found on this process's PATH: the child's own PATH may be deliberately bare.
  const script =
    (process.env.PATH ?? '')
      .split(':')
      .map((dir) => join(dir, 'script'))
      .find((file) => existsSync(file)) ?? 'script';
  const child = spawn(script, ['-qfec', command, '/dev/null'], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, options);
}

/** Runs `node <fixture>` with plain pipes: no terminal anywhere. */
export function runPiped(fixture: string, options: PtyOptions): Promise<Run> {
  const child = spawn(process.execPath, [join(FIXTURES, fixture)], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, options);
}

function collect(child: ReturnType<typeof spawn>, options: PtyOptions): Promise<Run> {
  return new Promise((done, fail) => {
    let output = '';
    let start = Date.now();
    let answered = false;
    const limit = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (
        options.answer !== undefined &&
        !answered &&
        output.includes(options.waitFor ?? '[y/N]')
      ) {
        answered = true;
        start = Date.now();
        child.stdin?.write(`${options.answer}\n`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(limit);
      child.stdin?.end();
      done({ output: output.replaceAll('\r', ''), code, ms: Date.now() - start });
    });
  });
}

/** The notice's words with line breaks folded back into spaces. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
