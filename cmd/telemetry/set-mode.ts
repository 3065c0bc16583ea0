// `telemetry on | off | local [--program <name>]`: record the user's choice, then say what it
// means and what it replaced. The three commands differ only in their word and their text.
import { Command } from 'commander';
import { listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import {
  type Mode, dateString, decide, readMachineMode, readProgramModes, wrap, writeMachineMode, writeProgramMode,
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
  // Like Go: saying the same thing again keeps the original date, which the uploader reads
  // as the day of consent; rewriting it would push the first report back a week.
  if (current?.mode === mode && readProgramModes(ctx.dirs).size === 0) {
    return [`telemetry is already ${bold(mode)} for every program, since ${current.date ?? 'an unknown date'} (${ctx.dirs.modeFile})`];
  }
  const replaced = write(ctx.dirs.modeFile, () => writeMachineMode(ctx.dirs, mode, ctx.now));
  const lines = [`telemetry is now ${bold(mode)} for every program on this machine (written to ${ctx.dirs.modeFile})`];
  if (replaced.size > 0) {
    const list = [...replaced].map(([p, c]) => `${p} (${c.mode})`).join(', ');
    lines.push(`this replaces the earlier per-program choices: ${list}`);
  }
  return lines;
}

function setForProgram(ctx: Context, mode: Mode, program: string): string[] {
  write(ctx.dirs.programModesFile, () => writeProgramMode(ctx.dirs, program, mode, ctx.now));
  const machine = readMachineMode(ctx.dirs)?.mode ?? 'local';
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
