// `telemetry dump [files…]`: the metadata and every counter of count files, for people
// (a table) or scripts (--json, with exact 64-bit values).
import { Command } from 'commander';
import type { ReadOk } from '../../counter/countfile/index.js';
import { CliError, context, dirOption, named, type Context, type Invocation } from './context.js';
import { type Json, table, toJson } from './output.js';
import { byCodePoint, loadCountFiles } from './read-files.js';

const HELP = `
Without file arguments, dumps every count file in <dir>/local, finished ones included: a
finished file stays there until a report is made from it, and it is worth seeing too.

With --json, prints one JSON array, one object per file that could be read:
  [ { "file": "/path", "meta": { "Program": "…", … }, "counts": { "name": 41, … } } ]
Counts are JSON numbers written exactly, even above 2^53 (up to 18446744073709551615).
JSON.parse in JavaScript rounds such numbers; use a parser that keeps big integers, or jq.
Stack counter names are the decoded stacks, lines separated by "\\n".

A file that cannot be read is reported on stderr with the reason; the others are still
printed and the exit code is 1.

Examples:
  $ telemetry dump
  $ telemetry dump ~/.config/transparent-telemetry/local/my-cli@1.2.0-*.v1.count
  $ telemetry dump --json | jq '.[0].counts'
`;

export function dumpCommand(inv: Invocation): Command {
  return new Command('dump')
    .description('print the metadata and counters of count files')
    .argument('[files...]', 'count files to read (default: every count file in <dir>/local)')
    .addOption(dirOption())
    .option('--json', 'print one JSON array (shape below)')
    .addHelpText('after', named(inv, HELP))
    .action((files: string[], opts: { json?: boolean }, command: Command) =>
      dump(context(command, inv), files, opts.json === true),
    );
}

function dump(ctx: Context, paths: string[], json: boolean): void {
  const { files, failed } = loadCountFiles(ctx, paths);
  if (json) ctx.out(toJson(files.map(fileJson)) + '\n');
  else if (files.length) ctx.out(files.map((file) => renderFile(ctx, file)).join('\n'));
  // "No count files in <dir>" is true only when the user named none: named files were each
  // reported above with their reason.
  else if (paths.length === 0) ctx.out(`no count files in ${ctx.dirs.localDir}\n`);
  if (failed > 0)
    throw new CliError(
      files.length === 0 && failed === 1
        ? ''
        : `${failed} of ${failed + files.length} count files could not be read`,
    );
}

function fileJson(file: ReadOk): Json {
  return { file: file.file, meta: file.meta, counts: sortedCounts(file) };
}

function sortedCounts(file: ReadOk): Map<string, bigint> {
  return new Map([...file.counts].sort(([a], [b]) => byCodePoint(a, b)));
}

/** Names up to this many characters line up; longer ones (rare) are printed whole. */
const NAME_COLUMN = 48;

function chars(text: string): number {
  return [...text].length;
}

function renderFile(ctx: Context, file: ReadOk): string {
  const { bold, dim } = ctx.style;
  const head = [
    bold(file.file),
    ...table(Object.entries(file.meta).map(([key, value]) => [dim(key), value])).map(
      (line) => `  ${line}`,
    ),
  ];
  const entries = [...sortedCounts(file)].map(([name, value]) => ({
    lines: name.split('\n'),
    value: value.toString(),
  }));
  const nameWidth = Math.min(
    NAME_COLUMN,
    Math.max(0, ...entries.map((entry) => chars(entry.lines[0]!))),
  );
  const valueWidth = Math.max(0, ...entries.map((entry) => entry.value.length));
  // Frames go under their stack counter, and a name longer than the column gets its value
  // right after it, so one long name never pushes every value off the screen.
  const body = entries.flatMap((entry) => {
    const name = entry.lines[0]!;
    const row =
      chars(name) > nameWidth
        ? `${name}  ${entry.value}`
        : `${name.padEnd(nameWidth + name.length - chars(name))}  ${entry.value.padStart(valueWidth)}`;
    return [`  ${row}`, ...entry.lines.slice(1).map((frame) => dim(`      ${frame}`))];
  });
  if (body.length === 0) body.push(dim('  no counters yet'));
  return [...head, '', ...body].join('\n') + '\n';
}
