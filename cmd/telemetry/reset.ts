// `telemetry reset [--program P | --all]`: forget a choice. For one program, its own choice
// goes and it follows the machine-wide mode again; machine-wide, the mode file and every
// per-program choice go, and every program is back to the default. What was removed is named.
import { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import {
  readMachineMode,
  readProgramModes,
  readProgramsObject,
} from '../../counter/settings/index.js';
import { unreadableText, writeAtomic } from '../../safeio/index.js';
import {
  CliError,
  context,
  dirOption,
  fsError,
  named,
  type Context,
  type Invocation,
} from './context.js';
import { knownPrograms, warnIfUnknown } from './known.js';
import { type ScopeOptions, addScopeOptions, target } from './scope.js';

const HELP = `
Only choices go: count files, reports and what each tool has already told you stay (see
'telemetry clean'). An environment variable or project setting still applies afterwards.

Examples:
  $ telemetry reset                   # forget every choice: every program is back to the default
  $ telemetry reset --program my-cli  # my-cli follows the machine-wide mode again
`;

const SCOPED_HELP = (inv: Invocation) => `
Only choices go: count files, reports and what ${inv.program} has already told you stay.

Examples:
  $ telemetry reset        # ${inv.program} follows the machine-wide mode again
  $ telemetry reset --all  # forget every choice: every program is back to the default
`;

export function resetCommand(inv: Invocation): Command {
  const cmd = new Command('reset').description(
    inv.program
      ? `forget the choice made for ${inv.program}`
      : 'forget choices: the machine-wide mode and per-program choices',
  );
  return addScopeOptions(cmd, inv, 'forget the choice')
    .addOption(dirOption())
    .addHelpText('after', named(inv, inv.program ? SCOPED_HELP(inv) : HELP))
    .action((opts: ScopeOptions, command: Command) => {
      const ctx = context(command, inv);
      const program = target(ctx, opts);
      ctx.out(
        (program === null
          ? resetAll(ctx)
          : resetProgram(ctx, program, opts.program !== undefined)
        ).join('\n') + '\n',
      );
    });
}

function resetProgram(ctx: Context, program: string, typed: boolean): string[] {
  const file = ctx.dirs.programModesFile;
  const all: Record<string, unknown> = readChoices(file, {});
  const machine = readMachineMode(ctx.dirs)?.mode ?? 'local';
  if (!(program in all)) {
    if (typed) warnIfUnknown(ctx, program, knownPrograms(ctx.dirs));
    return [
      `${program} has no choice of its own: nothing to forget; it follows the machine-wide mode, ${machine}`,
    ];
  }
  const gone = readProgramModes(ctx.dirs).choices.get(program);
  delete all[program];
  try {
    if (Object.keys(all).length === 0) rmSync(file, { force: true });
    else writeAtomic(file, JSON.stringify(all, null, 2) + '\n');
  } catch (e) {
    throw fsError('write', file, e);
  }
  const was = gone ? ` (${gone.mode}, set ${gone.date ?? 'on an unknown date'})` : '';
  return [
    `forgot the choice for ${program}${was} in ${file}`,
    `${program} now follows the machine-wide mode, ${ctx.style.bold(machine)}`,
  ];
}

function resetAll(ctx: Context): string[] {
  const { modeFile, programModesFile } = ctx.dirs;
  // Read before anything goes: a file we cannot read is never deleted.
  const choices = readChoices(programModesFile, null);
  const machine = readMachineMode(ctx.dirs);
  if (machine?.unreadable)
    throw new CliError(
      `cannot read ${unreadableText(machine.unreadable)}; nothing was removed (repair or remove it by hand)`,
    );
  const lines: string[] = [];
  if (machine) {
    remove(modeFile);
    lines.push(
      `removed the machine-wide mode (${machine.mode}, set ${machine.date ?? 'on an unknown date'}) from ${modeFile}`,
    );
  }
  if (choices) {
    remove(programModesFile);
    const list = [...readModes(choices)].join(', ');
    lines.push(
      `removed the per-program choices${list ? `: ${list}` : ''} from ${programModesFile}`,
    );
  }
  if (lines.length === 0)
    return [
      `there was no choice to forget in ${ctx.dirs.root}; every program has the default mode, ${ctx.style.bold('local')}`,
    ];
  return [...lines, `every program now has the default mode, ${ctx.style.bold('local')}`];
}

/** `my-cli (on)` for each entry; anything unexpected is named as it is. */
function* readModes(choices: Record<string, unknown>): Generator<string> {
  for (const [p, c] of Object.entries(choices)) {
    const mode = (c as { mode?: unknown } | null)?.mode;
    yield `${p} (${typeof mode === 'string' ? mode : 'unreadable'})`;
  }
}

/**
 * The raw per-program choices (`absent` when there is no file); other entries are written back
 * exactly as they were. A file that cannot be read is left as it is.
 */
function readChoices<T>(file: string, absent: T): Record<string, unknown> | T {
  const read = readProgramsObject(file);
  if (read.problem)
    throw new CliError(
      `cannot read ${unreadableText(read.problem)}; left it as it is (fix or delete it by hand)`,
    );
  return existsSync(file) ? read.entries : absent;
}

function remove(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch (e) {
    throw fsError('delete', file, e);
  }
}
