// `telemetry on | off | local [--program <name>]`: record the user's choice, then say what it
// means and what it replaced. The three commands differ only in their word and their text.
import { Command } from 'commander';
import { listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import {
  type Mode, type Unreadable, dateString, decide, readMachineMode, readProgramModes, unreadableText, wrap, writeMachineMode, writeProgramMode,
} from '../../counter/settings/index.js';
import { CliError, EXIT_USAGE, context, dirOption, fsError, type Context } from './context.js';
import { dataFiles, removeFiles } from './files.js';
import { SUMMARY, examples, meaning } from './mode-text.js';
import { plural } from './output.js';

interface Options {
  program?: string;
  purge?: boolean;
}

export function modeCommand(mode: Mode): Command {
  const cmd = new Command(mode)
    .description(`set telemetry to ${mode}: ${SUMMARY[mode]}`)
    .option('--program <name>', 'set the mode of this program only (its npm package name)')
    .addOption(dirOption());
  if (mode === 'off') cmd.option('--purge', 'also delete count files and reports (keeps the mode files and local/weekends)');
  return cmd.addHelpText('after', examples(mode)).action((opts: Options, c: Command) => setMode(context(c), mode, opts));
}

function setMode(ctx: Context, mode: Mode, opts: Options): void {
  if (opts.program !== undefined && opts.program.trim() === '') throw new CliError('--program needs a program name', EXIT_USAGE);
  const lines = opts.program === undefined ? setMachineWide(ctx, mode) : setForProgram(ctx, mode, opts.program);
  lines.push('', wrap(meaning(mode, { localDir: ctx.dirs.localDir, today: dateString(ctx.now) })));
  const note = overrideNote(ctx, mode, opts.program ?? '');
  if (note) lines.push('', note);
  ctx.out(lines.join('\n') + '\n');
  if (opts.purge) purge(ctx, opts.program);
}

function setMachineWide(ctx: Context, mode: Mode): string[] {
  const { bold } = ctx.style;
  const current = readMachineMode(ctx.dirs);
  const programs = readProgramModes(ctx.dirs);
  // Like Go: saying the same thing again keeps the original date, which the uploader reads
  // as the day of consent; rewriting it would push the first report back a week.
  if (current && !current.unreadable && current.mode === mode && programs.choices.size === 0 && !programs.unreadable) {
    return [`telemetry is already ${bold(mode)} for every program, since ${current.date ?? 'an unknown date'} (${ctx.dirs.modeFile})`];
  }
  const { replaced, kept } = write(ctx.dirs.modeFile, () => writeMachineMode(ctx.dirs, mode, ctx.now));
  const lines = [`telemetry is now ${bold(mode)} for every program on this machine (written to ${ctx.dirs.modeFile})`];
  if (replaced.size > 0) {
    const list = [...replaced].map(([p, c]) => `${p} (${c.mode})`).join(', ');
    lines.push(`this replaces the earlier per-program choices: ${list}`);
  }
  if (kept) lines.push(ctx.style.yellow(unreadableNote(kept)));
  return lines;
}

/** An unreadable per-program file is never written over: the user repairs or removes it. */
function unreadableNote(u: Unreadable): string {
  return `note: ${u.file} was left in place: cannot read it (${u.reason}); until it is repaired or removed, every program is off`;
}

function setForProgram(ctx: Context, mode: Mode, program: string): string[] {
  const { unreadable } = readProgramModes(ctx.dirs);
  if (unreadable) {
    throw new CliError(`cannot read ${unreadable.file} (${unreadable.reason}), so nothing was written; repair or remove it, then run this again`);
  }
  write(ctx.dirs.programModesFile, () => writeProgramMode(ctx.dirs, program, mode, ctx.now));
  const m = readMachineMode(ctx.dirs);
  const machine = m?.unreadable ? `off (${unreadableText(m.unreadable)})` : m?.mode ?? 'local';
  return [
    `telemetry is now ${ctx.style.bold(mode)} for ${program} (written to ${ctx.dirs.programModesFile})`,
    `other programs follow the machine-wide mode, ${machine}`,
  ];
}

function write<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fsError('write', path, e);
  }
}

/** The choice is recorded, but an environment variable or project setting may lower it here. */
function overrideNote(ctx: Context, mode: Mode, program: string): string | null {
  const d = decide({ dirs: ctx.dirs, program, env: ctx.env, cwd: ctx.cwd });
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
function purge(ctx: Context, program: string | undefined): void {
  const files = program === undefined ? dataFiles(ctx.dirs) : programCountFiles(ctx, program);
  const whose = program === undefined ? '' : ` for ${program} (reports are kept)`;
  if (files.length === 0) return ctx.out(`nothing to delete${whose}\n`);
  const { removed, errors } = removeFiles(files);
  ctx.out(`deleted ${removed} of ${plural(files.length, 'file')}${whose}\n`);
  if (errors.length > 0) throw new CliError(errors.join('\nerror: '));
}

function programCountFiles(ctx: Context, program: string): string[] {
  return listCountFiles(ctx.dirs.localDir).filter((f) => {
    const r = readCountFile(f);
    return 'info' in r && r.info.program === program;
  });
}
