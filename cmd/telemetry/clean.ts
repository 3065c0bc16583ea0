// `telemetry clean [--program P | --all]`: delete count files and reports, keeping the user's
// choices and the installation's week boundary (mode, program-modes.json, notices.json,
// local/weekends). Mounted in a tool (`mytool telemetry clean`), it deletes that tool's count
// files only, unless --all: a user cleaning one tool must not lose every other tool's data.
import { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { CliError, context, dirOption, named, type Context, type Invocation } from './context.js';
import { type ScopeOptions, addScopeOptions, target } from './scope.js';
import { dataFiles, removeFiles } from './files.js';
import { plural } from './output.js';

const HELP = `
Deletes <dir>/local/*.v1.count, the local reports <dir>/local/local.*.json and the reports
waiting or sent under <dir>/upload/<collector>/; with --program P, only P's count files (reports
mix programs, so they stay). Keeps the mode file,
program-modes.json, notices.json and local/weekends. A tool running right now keeps
counting into the file it has open (on Linux and macOS its mapping survives the deletion)
and starts a new file at its next week.

On a terminal it asks before deleting; elsewhere it needs --yes.

Examples:
  $ telemetry clean
  $ telemetry clean --yes --program my-cli
`;

const SCOPED_HELP = (inv: Invocation) => `
Deletes ${inv.program}'s count files in <dir>/local; with --all, every program's count files
and every report. Keeps your choices. On a terminal it asks first; elsewhere it needs --yes.

Examples:
  $ telemetry clean
  $ telemetry clean --all --yes
`;

export function cleanCommand(inv: Invocation): Command {
  const cmd = new Command('clean').description(
    inv.program
      ? `delete ${inv.program}'s count files (--all: every program's, and reports); keep your choices`
      : 'delete count files and reports; keep your choices',
  );
  return addScopeOptions(cmd, inv, 'delete')
    .addOption(dirOption())
    .option('-y, --yes', 'do not ask before deleting')
    .addHelpText('after', named(inv, inv.program ? SCOPED_HELP(inv) : HELP))
    .action((opts: ScopeOptions & { yes?: boolean }, command: Command) => {
      const ctx = context(command, inv);
      return clean(ctx, target(ctx, opts), opts.yes === true);
    });
}

async function clean(ctx: Context, program: string | null, yes: boolean): Promise<void> {
  const { counts, reports } = dataFiles(ctx.dirs, program);
  const files = [...counts, ...reports];
  const whose = program === null ? '' : ` of ${program}`;
  if (files.length === 0) {
    ctx.out(`nothing to delete${whose} in ${ctx.dirs.root}\n`);
    return;
  }
  const what =
    program === null
      ? `${plural(files.length, 'file')} (count files and reports) from ${ctx.dirs.root}`
      : `${plural(files.length, 'count file')}${whose} from ${ctx.dirs.root}`;
  if (!yes) {
    if (!process.stdin.isTTY)
      throw new CliError(`refusing to delete ${what} without --yes: not a terminal, cannot ask`);
    if (!(await confirm(`delete ${what}? [y/N] `))) {
      ctx.out('nothing deleted\n');
      return;
    }
  }
  const { removed, errors } = removeFiles(files);
  ctx.out(`deleted ${plural(removed, 'file')}\n`);
  if (errors.length > 0) throw new CliError(errors.join('\nerror: '));
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
