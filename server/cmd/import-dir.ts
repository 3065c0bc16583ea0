// `telemetry-server import-dir`: one command to move a data directory of the old segment store
// (before SQLite) into the SQLite store; `serve` and `merge` refuse such a directory until then.
import { Command } from 'commander';
import { canonicalBody, canonicalX } from '../serve/index.js';
import { importDir } from '../store/index.js';
import { CliError, why } from './common.js';

const HELP = `
Reads <dir>/days/ (the reports, merged or not, and the keys kept after an aggregates merge),
stores each report's canonical bytes in <dir>/telemetry.sqlite, then renames days/ to
days.imported-<time> (delete it once satisfied). Published files stay where they are.
Stop the server first. Running it again on a directory already imported does nothing.

Example:
  $ telemetry-server import-dir --data /var/lib/telemetry
`;

export function importDirCommand(): Command {
  return new Command('import-dir')
    .description('import a data directory of the old segment store into SQLite')
    .requiredOption('--data <dir>', 'the data directory')
    .addHelpText('after', HELP)
    .action(async (options: { data: string }) => {
      let result;
      try {
        result = await importDir(options.data, { x: canonicalX, body: canonicalBody });
      } catch (e) {
        throw new CliError(`cannot import ${options.data}: ${why(e)}`);
      }
      const { stored, duplicate, conflict, unreadable, movedTo } = result;
      process.stdout.write(
        `imported ${stored} reports (${duplicate} already there, ${conflict} conflicting, ` +
          `${unreadable} unreadable lines skipped); the old files are in ${movedTo}\n`,
      );
    });
}
