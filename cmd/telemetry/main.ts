// The telemetry commands, built once for both ways users reach them: the standalone
// `telemetry` bin (bin.ts) and a tool's own mounted command (`mytool telemetry`, through
// transparent-telemetry/command). Each command lives in its own file; this one registers them
// and turns every failure into one `error: …` line and an exit code. Nothing here exits the
// process or touches it at load: the bin does that.
import { Command, CommanderError } from 'commander';
// The bundler inlines the version, so the built CLI does not look for package.json at run time.
import pkg from '../../package.json' with { type: 'json' };
import { toolEnvVar } from '../../counter/settings/index.js';
import { cleanCommand } from './clean.js';
import {
  CliError,
  EXIT_FAILURE,
  EXIT_USAGE,
  type Invocation,
  STANDALONE,
  dirOption,
  named,
  reason,
} from './context.js';
import { csvCommand } from './csv.js';
import { dumpCommand } from './dump.js';
import { resetCommand } from './reset.js';
import { modeCommand } from './set-mode.js';
import { previewCommand } from './preview.js';
import { uploadCommand } from './upload.js';
import { statusCommand } from './status.js';
import { viewCommand } from './view.js';

export { EXIT_FAILURE, STANDALONE };

const DESCRIPTION =
  'Control and inspect the counting done by command-line tools that use transparent-telemetry. ' +
  'Tools count how their features are used in weekly files on this machine; nothing identifies you. ' +
  'These commands decide whether counts stay here or may be sent, and show what was counted.';

const MODES = `
Modes:
  local  count on this machine only, send nothing (the default)
  on     also allow weekly reports of the counters each tool's vendor publishes
  off    count nothing, send nothing
`;

const EXAMPLES = `
Examples:
  $ telemetry                        # the status: what is counted and sent, and why
  $ telemetry off                    # for every program on this machine
  $ telemetry on --program my-cli    # for one program
  $ telemetry reset --program my-cli # my-cli follows the machine-wide mode again
  $ telemetry view                   # browse the counts
  $ telemetry preview                # the exact bytes the next upload sends
  $ telemetry upload                 # send the waiting weekly reports now
  $ telemetry --dir /tmp/tt dump     # another telemetry directory

Environment:
  TRANSPARENT_TELEMETRY_DIR   the telemetry directory (--dir wins over it)
  DO_NOT_TRACK=1              turn counting off, whatever the mode says
  TRANSPARENT_TELEMETRY=local|off   lower the mode (never raises it)
  <TOOL>_TELEMETRY_DISABLED=1 turn one tool off, e.g. MY_CLI_TELEMETRY_DISABLED
  NO_COLOR                    no colour in output
  TRANSPARENT_TELEMETRY_NOW=YYYY-MM-DD   for tests only: pretend today is that date
`;

function scopedHelp(inv: Invocation & { program: string }): string {
  const own = toolEnvVar(inv.program);
  return named(
    inv,
    `
Examples:
  $ telemetry              # the status: what is counted and sent, and why
  $ telemetry off          # ${inv.program} counts nothing
  $ telemetry on           # ${inv.program} may send its weekly report to its vendor
  $ telemetry off --all    # every program on this machine
  $ telemetry reset        # ${inv.program} follows the machine-wide mode again

Environment:
  DO_NOT_TRACK=1              turn counting off for every tool
  ${own ? `${own}=1`.padEnd(27) : '<its own variable>=1'.padEnd(27)} turn ${inv.program} off (see the status for its variable)
  TRANSPARENT_TELEMETRY=local|off   lower the mode (never raises it)
  TRANSPARENT_TELEMETRY_DIR   the telemetry directory (--dir wins over it)
`,
  );
}

export function buildProgram(inv: Invocation = STANDALONE): Command {
  const program = new Command(inv.name)
    .description(
      inv.program
        ? `Control and inspect what ${inv.program} counts about how it is used (transparent-telemetry). ${DESCRIPTION.slice(DESCRIPTION.indexOf('Tools count'))}`
        : DESCRIPTION,
    )
    .addOption(dirOption())
    .enablePositionalOptions()
    .addHelpText(
      'after',
      MODES + (inv.program ? scopedHelp({ ...inv, program: inv.program }) : EXAMPLES),
    );
  if (!inv.program) program.version(pkg.version, '-V, --version');
  const commands = [
    modeCommand('on', inv),
    modeCommand('local', inv),
    modeCommand('off', inv),
    resetCommand(inv),
    statusCommand(inv),
    viewCommand(inv),
    dumpCommand(inv),
    csvCommand(inv),
    cleanCommand(inv),
    previewCommand(inv),
    uploadCommand(inv),
  ];
  for (const c of commands) program.addCommand(c);
  program.on('command:*', ([word = '']: string[]) => unknownWord(program, inv, word));
  return program;
}

/** A word close to a mode was almost certainly meant as one; say so rather than "unknown command". */
function unknownWord(program: Command, inv: Invocation, word: string): never {
  const w = word.toLowerCase();
  if (['on', 'off', 'local'].some((mode) => distance(w, mode) <= 1)) {
    program.error(`error: unknown mode '${word}' (expected on, off or local)`, {
      exitCode: EXIT_USAGE,
      code: 'telemetry.unknownMode',
    });
  }
  const near = program.commands
    .flatMap((command) => [command.name(), ...command.aliases()])
    .filter((name) => distance(w, name) <= 2);
  const hint = near.length
    ? ` (did you mean ${near.join(' or ')}?)`
    : ` (see '${inv.name} --help')`;
  program.error(`error: unknown command '${word}'${hint}`, {
    exitCode: EXIT_USAGE,
    code: 'commander.unknownCommand',
  });
}

/** Levenshtein distance between two words; words here are a few letters long. */
function distance(first: string, second: string): number {
  let prev = Array.from({ length: second.length + 1 }, (_, j) => j);
  for (let i = 1; i <= first.length; i++) {
    const row = [i];
    for (let j = 1; j <= second.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (first[i - 1] === second[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[second.length]!;
}

/** Runs one command line (the words after the command's name); resolves to the exit code. */
export async function run(args: readonly string[], inv: Invocation = STANDALONE): Promise<number> {
  const program = buildProgram(inv);
  for (const c of [program, ...program.commands]) c.exitOverride();
  try {
    await program.parseAsync(withDefaultCommand(args), { from: 'user' });
    return 0;
  } catch (e) {
    return exitCode(e);
  }
}

/** What transparent-telemetry/command calls (options checked there). */
export function runMounted(
  args: readonly string[],
  options: { program: string; name?: string; dir?: string },
): Promise<number> {
  return run(args, {
    name: options.name ?? `${options.program} telemetry`,
    program: options.program,
    dir: options.dir,
  });
}

/**
 * Like `go telemetry` and `next telemetry`, no command at all shows the status; its options
 * come along (`telemetry --json`, `telemetry --dir D`).
 */
function withDefaultCommand(args: readonly string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (['-h', '--help', '-V', '--version'].includes(a)) return [...args];
    if (a === '--dir') i++;
    else if (!a.startsWith('-')) return [...args];
  }
  return ['status', ...args];
}

/** Commander has already printed its own messages; everything else is printed here, once. */
function exitCode(error: unknown): number {
  if (error instanceof CommanderError) {
    // `telemetry help [command]` is asked-for help (exit code 0); help shown because of a
    // mistake (`telemetry help nosuch`) is not.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error.code.startsWith('commander.')) return EXIT_USAGE;
    return error.exitCode;
  }
  const err = error as NodeJS.ErrnoException;
  const message =
    error instanceof CliError
      ? error.message
      : err.code && err.path
        ? `cannot access ${err.path}: ${reason(err)}`
        : String(err?.message ?? error);
  // An empty CliError means every problem was reported already.
  if (message) process.stderr.write(`error: ${message}\n`);
  return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
}
