// What every command needs to know about the world: the telemetry directory, today's date,
// the environment and whether to use colour. Built once per command from its options.
import { type Command, Option } from 'commander';
import { defaultRoot, layout, type Layout } from '../../counter/settings/index.js';
import { style, useColor, type Style } from './output.js';

/** Exit codes: 0 ok, 1 something failed, 2 the command line was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error meant for the user: printed as `error: <message>`, never with a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * How the user reached these commands: the standalone `telemetry`, or a tool's own mounted
 * command (`mytool telemetry`, transparent-telemetry/command), which acts for that tool.
 */
export interface Invocation {
  /** What the user typed to get here; usage lines and examples show it. */
  name: string;
  /** Set when mounted: on/off/local/reset act for this program unless --all. */
  program?: string;
  /** The tool's telemetry directory: below --dir, above $TRANSPARENT_TELEMETRY_DIR. */
  dir?: string;
  /** The `telemetry` bin owns its process (signals, exit); a mounted command never does. */
  bin?: boolean;
}

export const STANDALONE: Invocation = { name: 'telemetry', bin: true };

/** Help text written for `telemetry`, shown with the name the user typed (`$ mytool telemetry …`). */
export function named(inv: Invocation, text: string): string {
  return text.replace(
    /(\$ (?:[A-Z_]+=\S* )*)telemetry\b/g,
    (_, before: string) => `${before}${inv.name}`,
  );
}

export interface Context {
  inv: Invocation;
  dirs: Layout;
  now: Date;
  env: NodeJS.ProcessEnv;
  cwd: string;
  style: Style;
  out(text: string): void;
  err(text: string): void;
}

/**
 * `--dir` is accepted before the command (`telemetry --dir D status`) and after it
 * (`telemetry status --dir D`); the program uses positional options, so each command
 * declares it too and the command's own value wins.
 */
export function dirOption(): Option {
  return new Option(
    '--dir <path>',
    'telemetry directory (default: $TRANSPARENT_TELEMETRY_DIR, else <config dir>/transparent-telemetry)',
  );
}

/** For tests only: pins "today" so dates in files and output are predictable. */
export const ENV_NOW = 'TRANSPARENT_TELEMETRY_NOW';

export function context(
  cmd: Command,
  inv: Invocation,
  env: NodeJS.ProcessEnv = process.env,
): Context {
  return {
    inv,
    dirs: layout(resolveRoot(cmd.optsWithGlobals<{ dir?: string }>().dir ?? inv.dir, env)),
    now: resolveNow(env),
    env,
    cwd: process.cwd(),
    style: style(useColor(env, process.stdout.isTTY)),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

/** `--dir` (or a mounting tool's dir) beats TRANSPARENT_TELEMETRY_DIR, which beats the user config directory. */
export function resolveRoot(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  const root = defaultRoot(env);
  if (root === null)
    throw new CliError(
      'cannot find the telemetry directory: set HOME, TRANSPARENT_TELEMETRY_DIR or --dir',
    );
  return root;
}

export function resolveNow(env: NodeJS.ProcessEnv): Date {
  const pinned = env[ENV_NOW];
  if (!pinned) return new Date();
  const d = new Date(`${pinned}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(pinned) || Number.isNaN(d.getTime()))
    throw new CliError(`${ENV_NOW}: '${pinned}' is not a YYYY-MM-DD date`);
  return d;
}

/** `cannot write /x/mode: permission denied`, from any fs error. */
export function fsError(verb: string, fallbackPath: string, error: unknown): CliError {
  const err = error as NodeJS.ErrnoException;
  return new CliError(`cannot ${verb} ${err.path ?? fallbackPath}: ${reason(err)}`);
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
};

export function reason(err: NodeJS.ErrnoException): string {
  return (err.code && REASONS[err.code]) ?? err.message;
}
