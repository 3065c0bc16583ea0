// `telemetry clean`: delete count files and reports, keeping the user's choices and the
// installation's week boundary (mode, program-modes.json, notices.json, local/weekends).
import { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { CliError, context, dirOption, named, type Context, type Invocation } from './context.js';
import { dataFiles, removeFiles } from './files.js';
import { plural } from './output.js';

const HELP = `
Deletes <dir>/local/*.v1.count, <dir>/local/*.json and <dir>/upload/*.json. Keeps the mode
file, program-modes.json, notices.json and local/weekends. A tool running right now keeps
counting into the file it has open (on Linux and macOS its mapping survives the deletion)
and starts a new file at its next week.

On a terminal it asks before deleting; elsewhere it needs --yes.

Examples:
  $ telemetry clean
  $ telemetry clean --yes
`;

export function cleanCommand(inv: Invocation): Command {
  return new Command('clean')
    .description(inv.program ? 'delete the count files and reports of every program; keep your choices' : 'delete count files and reports; keep your choices')
    .addOption(dirOption())
    .option('-y, --yes', 'do not ask before deleting')
    .addHelpText('after', named(inv, HELP))
    .action((opts: { yes?: boolean }, c: Command) => clean(context(c, inv), opts.yes === true));
}

async function clean(ctx: Context, yes: boolean): Promise<void> {
  const files = dataFiles(ctx.dirs);
  if (files.length === 0) {
    ctx.out(`nothing to delete in ${ctx.dirs.root}\n`);
    return;
  }
  const what = `${plural(files.length, 'file')} (count files and reports) from ${ctx.dirs.root}`;
  if (!yes) {
    if (!process.stdin.isTTY) throw new CliError(`refusing to delete ${what} without --yes: not a terminal, cannot ask`);
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
