// `telemetry on | off | local [--program <name> | --all]` (aliases: enable = on, disable =
// off): record the user's choice, then say what it means and what it replaced. The three
// commands differ only in their word and their text.
import { Command } from 'commander';
import {
  type Mode,
  dateString,
  readMachineMode,
  readProgramModes,
  wrap,
  writeMachineMode,
  writeProgramMode,
} from '../../counter/settings/index.js';
import { type Unreadable, unreadableText } from '../../safeio/index.js';
import { CliError, context, dirOption, fsError, type Context, type Invocation } from './context.js';
import { dataFiles, removeFiles } from './files.js';
import { decideFor, knownPrograms, warnIfUnknown } from './known.js';
import { SUMMARY, examples, meaning } from './mode-text.js';
import { plural } from './output.js';
import { type ScopeOptions, addScopeOptions, target } from './scope.js';

interface Options extends ScopeOptions {
  purge?: boolean;
}

const ALIAS: Partial<Record<Mode, string>> = { on: 'enable', off: 'disable' };

export function modeCommand(mode: Mode, inv: Invocation): Command {
  const cmd = new Command(mode).description(`set telemetry to ${mode}: ${SUMMARY[mode]}`);
  if (ALIAS[mode]) cmd.alias(ALIAS[mode]);
  addScopeOptions(cmd, inv, `set the mode`).addOption(dirOption());
  if (mode === 'off')
    cmd.option(
      '--purge',
      inv.program
        ? `also delete ${inv.program}'s count files (with --all: every count file and report)`
        : 'also delete count files and reports (keeps the mode files and local/weekends)',
    );
  return cmd
    .addHelpText('after', examples(mode, inv))
    .action((opts: Options, command: Command) => setMode(context(command, inv), mode, opts));
}

function setMode(ctx: Context, mode: Mode, opts: Options): void {
  const program = target(ctx, opts);
  const lines =
    program === null
      ? setMachineWide(ctx, mode)
      : setForProgram(ctx, mode, program, opts.program !== undefined);
  const purged = opts.purge ? purge(ctx, program) : null;
  if (purged) lines.push(purged.line);
  lines.push(
    '',
    wrap(
      meaning(mode, {
        localDir: ctx.dirs.localDir,
        today: dateString(ctx.now),
        name: ctx.inv.name,
        purged: purged !== null,
      }),
    ),
  );
  const note = overrideNote(ctx, mode, program ?? '');
  if (note) lines.push('', note);
  ctx.out(lines.join('\n') + '\n');
  if (purged && purged.errors.length > 0) throw new CliError(purged.errors.join('\nerror: '));
}

function setMachineWide(ctx: Context, mode: Mode): string[] {
  const { bold } = ctx.style;
  const current = readMachineMode(ctx.dirs);
  const programs = readProgramModes(ctx.dirs);
  // Like Go: saying the same thing again keeps the original date, which the uploader reads
  // as the day of consent; rewriting it would push the first report back a week.
  if (
    current &&
    !current.unreadable &&
    current.mode === mode &&
    programs.choices.size === 0 &&
    !programs.unreadable
  ) {
    return [
      `telemetry is already ${bold(mode)} for every program, since ${current.date ?? 'an unknown date'} (${ctx.dirs.modeFile})`,
    ];
  }
  const { replaced, kept } = write(ctx.dirs.modeFile, () =>
    writeMachineMode(ctx.dirs, mode, ctx.now),
  );
  const lines = [
    `telemetry is now ${bold(mode)} for every program on this machine (written to ${ctx.dirs.modeFile})`,
  ];
  if (replaced.size > 0) {
    const list = [...replaced].map(([program, choice]) => `${program} (${choice.mode})`).join(', ');
    lines.push(`this replaces the earlier per-program choices: ${list}`);
  }
  if (kept) lines.push(ctx.style.yellow(unreadableNote(kept)));
  return lines;
}

/** An unreadable per-program file is never written over: the user repairs or removes it. */
function unreadableNote(problem: Unreadable): string {
  return `note: ${problem.file} was left in place: cannot read it (${problem.reason}); until it is repaired or removed, every program is off`;
}

/** `typed`: the user named the program (`--program`), so a typo is possible. */
function setForProgram(ctx: Context, mode: Mode, program: string, typed: boolean): string[] {
  const { unreadable } = readProgramModes(ctx.dirs);
  if (unreadable) {
    throw new CliError(
      `cannot read ${unreadable.file} (${unreadable.reason}), so nothing was written; repair or remove it, then run this again`,
    );
  }
  // Known before the write, which makes the program known; warned after it, so a failure
  // to write is the only thing said.
  const known = typed ? knownPrograms(ctx.dirs) : null;
  write(ctx.dirs.programModesFile, () => writeProgramMode(ctx.dirs, program, mode, ctx.now));
  if (known) warnIfUnknown(ctx, program, known);
  const m = readMachineMode(ctx.dirs);
  const machine = m?.unreadable ? `off (${unreadableText(m.unreadable)})` : (m?.mode ?? 'local');
  return [
    `telemetry is now ${ctx.style.bold(mode)} for ${program} (written to ${ctx.dirs.programModesFile})`,
    `other programs follow the machine-wide mode, ${machine}`,
  ];
}

function write<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw fsError('write', path, e);
  }
}

/** The choice is recorded, but an environment variable or project setting may lower it here. */
function overrideNote(ctx: Context, mode: Mode, program: string): string | null {
  const d = decideFor(ctx, program);
  if (d.mode === mode) return null;
  if (d.decidedBy.source === 'unreadable') {
    // An unreadable per-program file was already named above.
    if (d.decidedBy.detail.startsWith(`${ctx.dirs.programModesFile}: `)) return null;
    return ctx.style.yellow(`note: here and now it is off: cannot read ${d.decidedBy.detail}`);
  }
  return ctx.style.yellow(`note: here and now ${d.decidedBy.detail} lowers it to ${d.mode}`);
}

/**
 * Machine-wide, every count file and report goes. For one program only its own count files
 * go: reports mix programs, so they stay (`telemetry clean` deletes them all).
 */
function purge(ctx: Context, program: string | null): { line: string; errors: string[] } {
  const { counts, reports } = dataFiles(ctx.dirs, program);
  const kept =
    program === null
      ? ''
      : ` (reports are kept: they mix programs; '${ctx.inv.name} clean${ctx.inv.program ? ' --all' : ''}' deletes them)`;
  const whose = program === null ? '' : ` of ${program}`;
  const gone = removeFiles([...counts, ...reports]);
  if (counts.length + reports.length === 0)
    return {
      line: `there were no count files${whose}${program === null ? ' or reports' : ''} to delete${kept}`,
      errors: [],
    };
  const what = [
    plural(counts.length, 'count file'),
    ...(program === null ? [plural(reports.length, 'report')] : []),
  ].join(' and ');
  const done = gone.errors.length ? `${gone.removed} of ${what}` : what;
  return { line: `deleted ${done}${whose} from ${ctx.dirs.root}${kept}`, errors: gone.errors };
}
