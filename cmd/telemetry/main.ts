// `telemetry`: the user's side of transparent-telemetry. Each command lives in its own file;
// this one registers them and turns every failure into one `error: …` line and an exit code.
import { Command, CommanderError } from 'commander';
// The bundler inlines the version, so the built CLI does not look for package.json at run time.
import pkg from '../../package.json' with { type: 'json' };
import { cleanCommand } from './clean.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE, dirOption, reason } from './context.js';
import { csvCommand } from './csv.js';
import { dumpCommand } from './dump.js';
import { modeCommand } from './set-mode.js';
import { statusCommand } from './status.js';
import { viewCommand } from './view.js';

const DESCRIPTION =
  'Control and inspect the counting done by command-line tools that use transparent-telemetry. ' +
  'Tools count how their features are used in weekly files on this machine; nothing identifies you. ' +
  'These commands decide whether counts stay here or may be sent, and show what was counted.';

const EXAMPLES = `
Modes:
  local  count on this machine only, send nothing (the default)
  on     also allow weekly reports of the counters each tool's vendor publishes
  off    count nothing, send nothing

Examples:
  $ telemetry status                 # what is counted and sent, and why
  $ telemetry off                    # for every program on this machine
  $ telemetry on --program my-cli    # for one program
  $ telemetry view                   # browse the counts
  $ telemetry --dir /tmp/tt dump     # another telemetry directory

Environment:
  TRANSPARENT_TELEMETRY_DIR   the telemetry directory (--dir wins over it)
  DO_NOT_TRACK=1              turn counting off, whatever the mode says
  TRANSPARENT_TELEMETRY=local|off   lower the mode (never raises it)
  <TOOL>_TELEMETRY_DISABLED=1 turn one tool off, e.g. MY_CLI_TELEMETRY_DISABLED
  NO_COLOR                    no colour in output
  TRANSPARENT_TELEMETRY_NOW=YYYY-MM-DD   for tests only: pretend today is that date
`;

export function buildProgram(): Command {
  const program = new Command('telemetry')
    .description(DESCRIPTION)
    .version(pkg.version, '-V, --version')
    .addOption(dirOption())
    .enablePositionalOptions()
    .addHelpText('after', EXAMPLES);
  const commands = [modeCommand('on'), modeCommand('local'), modeCommand('off'), statusCommand(), viewCommand(), dumpCommand(), csvCommand(), cleanCommand()];
  for (const c of commands) program.addCommand(c);
  program.on('command:*', ([word = '']: string[]) => unknownWord(program, word));
  return program;
}

/** A word close to a mode was almost certainly meant as one; say so rather than "unknown command". */
function unknownWord(program: Command, word: string): never {
  const w = word.toLowerCase();
  if (['on', 'off', 'local'].some((m) => distance(w, m) <= 1)) {
    program.error(`error: unknown mode '${word}' (expected on, off or local)`, { exitCode: EXIT_USAGE, code: 'telemetry.unknownMode' });
  }
  const near = program.commands.map((c) => c.name()).filter((n) => distance(w, n) <= 2);
  const hint = near.length ? ` (did you mean ${near.join(' or ')}?)` : ` (see 'telemetry --help')`;
  program.error(`error: unknown command '${word}'${hint}`, { exitCode: EXIT_USAGE, code: 'commander.unknownCommand' });
}

/** Levenshtein distance; words here are a few letters long. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  for (const c of [program, ...program.commands]) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    return exitCode(e);
  }
}

/** Commander has already printed its own messages; everything else is printed here, once. */
function exitCode(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (e.code.startsWith('commander.')) return EXIT_USAGE;
    return e.exitCode;
  }
  const err = e as NodeJS.ErrnoException;
  const message = e instanceof CliError ? e.message : err.code && err.path ? `cannot access ${err.path}: ${reason(err)}` : String(err?.message ?? e);
  process.stderr.write(`error: ${message}\n`);
  return e instanceof CliError ? e.exitCode : EXIT_FAILURE;
}

// This file is the `telemetry` bin entry: it always runs (a symlinked bin would defeat an
// "is this the main module" check).
// A reader that stops early (`telemetry dump | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : EXIT_FAILURE));
process.exitCode = await main();
