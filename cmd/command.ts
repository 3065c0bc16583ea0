// transparent-telemetry/command: the `telemetry` commands, mounted in a tool as its own
// subcommand, so that a user who installed only the tool (`npm i -g my-cli`) can run
// `my-cli telemetry off`. Tools import this at start-up, so it is tiny: the CLI bundle
// (commander and every command, dist/cmd/cli.js) loads only when the command runs.

export interface TelemetryCommandOptions {
  /** The program the commands act for: the same name your `open()` counts under. */
  program: string;
  /** What users type to get here, shown in usage lines and messages; default `<program> telemetry`. */
  name?: string;
  /** The telemetry directory, if your `open({ dir })` uses another; `--dir` still wins. */
  dir?: string;
}

interface Cli {
  runMounted(argv: readonly string[], options: TelemetryCommandOptions): Promise<number>;
}

/**
 * Runs one command line of your tool's `telemetry` subcommand: `argv` is what follows it,
 * e.g. `['off']` for `mytool telemetry off`. Output and exit codes are the standalone
 * `telemetry` command's (0 ok, 1 failure, 2 usage), but choices apply to `program` only
 * unless the user adds `--all`, and no command at all shows the status. Resolves to the
 * exit code; never calls process.exit. Rejects with a TypeError on invalid options.
 *
 * ```js
 * import { telemetryCommand } from 'transparent-telemetry/command';
 * if (process.argv[2] === 'telemetry') process.exitCode = await telemetryCommand(process.argv.slice(3), { program: 'my-cli' });
 * ```
 */
export async function telemetryCommand(
  argv: string[],
  options: TelemetryCommandOptions,
): Promise<number> {
  check(argv, options);
  const cli = await loadCli();
  return cli.runMounted([...argv], {
    program: options.program,
    name: options.name?.trim(),
    dir: options.dir,
  });
}

function check(argv: unknown, options: unknown): void {
  const bad = (what: string) => new TypeError(`telemetryCommand: ${what}`);
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string'))
    throw bad('argv must be an array of strings');
  if (typeof options !== 'object' || options === null)
    throw bad('options must be an object with a program name');
  const { program, name, dir } = options as Record<string, unknown>;
  if (typeof program !== 'string' || program.trim() === '')
    throw bad('options.program must be a non-empty string');
  if (name !== undefined && (typeof name !== 'string' || name.trim() === ''))
    throw bad('options.name must be a non-empty string');
  if (dir !== undefined && (typeof dir !== 'string' || dir === ''))
    throw bad('options.dir must be a non-empty string');
}

/**
 * Beside this file as published; through the package name when a tool's bundler inlined this
 * file into its own (the CLI then stays in node_modules). The specifiers are built at run time
 * so that no bundler pulls the whole CLI into the tool's start-up code.
 */
async function loadCli(): Promise<Cli> {
  const beside = './cli.js';
  try {
    return (await import(new URL(beside, import.meta.url).href)) as Cli;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_INVALID_URL') throw e;
  }
  const name = ['transparent-telemetry', 'internal', 'cli'].join('/');
  return (await import(name)) as Cli;
}
