// `telemetry csv`: weekly counts as CSV for spreadsheets and scripts. Files of the same
// program, version and week (several runtimes or platforms) are added together.
import { Command } from 'commander';
import type { ReadOk } from '../../counter/countfile/index.js';
import { CliError, context, dirOption, named, type Context, type Invocation } from './context.js';
import { csvRow } from './output.js';
import { byCodePoint, loadCountFiles } from './read-files.js';

const HELP = `
Reads every count file in <dir>/local (or the files named). The week of a file is the date
its week ends (its TimeEnd). Counts of files with the same program, version and week are
added together.

The default "long" layout has one row per counter of each (program, version, week):
  program,version,week,counter,count
With --wide, one row per (program, version, week) and one column per counter name.

Fields are quoted as RFC 4180 says: a field holding a comma, a quote or a line break is put
in double quotes, with inner quotes doubled. Stack counter names hold line breaks. Counts are
exact integers, up to 18446744073709551615.

Examples:
  $ telemetry csv > counts.csv
  $ telemetry csv --wide
`;

export function csvCommand(inv: Invocation): Command {
  return new Command('csv')
    .description('print weekly counts as CSV, summed per program, version and week')
    .argument('[files...]', 'count files to read (default: every count file in <dir>/local)')
    .addOption(dirOption())
    .option('--wide', 'one row per program, version and week, one column per counter')
    .addHelpText('after', named(inv, HELP))
    .action((files: string[], opts: { wide?: boolean }, command: Command) =>
      csv(context(command, inv), files, opts.wide === true),
    );
}

interface Week {
  program: string;
  version: string;
  week: string;
  counts: Map<string, bigint>;
}

function csv(ctx: Context, paths: string[], wide: boolean): void {
  const { files, failed } = loadCountFiles(ctx, paths);
  const weeks = sumByWeek(files);
  ctx.out(wide ? wideCsv(weeks) : longCsv(weeks));
  if (failed > 0)
    throw new CliError(`${failed} of ${failed + files.length} count files could not be read`);
}

export function sumByWeek(files: readonly ReadOk[]): Week[] {
  const weeks = new Map<string, Week>();
  for (const f of files) {
    const week = f.info.timeEnd.slice(0, 10);
    const key = JSON.stringify([f.info.program, f.info.version, week]);
    let w = weeks.get(key);
    if (!w)
      weeks.set(
        key,
        (w = { program: f.info.program, version: f.info.version, week, counts: new Map() }),
      );
    for (const [name, n] of f.counts) w.counts.set(name, (w.counts.get(name) ?? 0n) + n);
  }
  return [...weeks.values()].sort(
    (a, b) =>
      byCodePoint(a.program, b.program) ||
      byCodePoint(a.version, b.version) ||
      byCodePoint(a.week, b.week),
  );
}

function longCsv(weeks: Week[]): string {
  let out = csvRow(['program', 'version', 'week', 'counter', 'count']);
  for (const w of weeks) {
    for (const name of [...w.counts.keys()].sort(byCodePoint))
      out += csvRow([w.program, w.version, w.week, name, String(w.counts.get(name))]);
  }
  return out;
}

function wideCsv(weeks: Week[]): string {
  const names = [...new Set(weeks.flatMap((week) => [...week.counts.keys()]))].sort(byCodePoint);
  let out = csvRow(['program', 'version', 'week', ...names]);
  for (const w of weeks)
    out += csvRow([
      w.program,
      w.version,
      w.week,
      ...names.map((name) => String(w.counts.get(name) ?? 0n)),
    ]);
  return out;
}
