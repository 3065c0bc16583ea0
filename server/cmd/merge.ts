// `telemetry-server merge`: merges every day that is over (UTC) and not merged yet, and
// publishes (docs/publication.md). The hourly schedule inside `serve` runs the same merge; this command
// is for a collector run without `serve`, for a backfill, and for tests (--now).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  DEFAULT_BUDGET as D,
  type MergeResult,
  type PublishMode,
  addDays,
  runMerge,
} from '../merge/index.js';
import { DATABASE_FILE, OLD_LAYOUT, openStore, type Store } from '../store/index.js';
import { holdMode, recordedMode, storeName } from './recorded-mode.js';
import { CliError, EXIT_USAGE, dayFlag, why } from './common.js';
import { type PublicationFlags, publicationFlags, publicationOptions } from './publication.js';

const HELP = `
Only days before today (UTC) are merged. In raw mode each day's reports are published as
NDJSON and every week that changed gets its aggregate rewritten. In aggregates mode nothing
is published until a week can receive no more reports; then its aggregate is released once,
differentially private, and its sums and the merged reports are deleted. Each release spends
--epsilon per report (default ${D.epsilon}: the week's budget); a label from reports (a
version, a stack) shows only when its noised count reaches a threshold derived from ε and
--delta (default ${D.delta}), so a label one report holds shows with probability at most δ.
Each report adds at most --values-per-report counts (default ${D.valuesPerReport}).
/data/ledger.json lists what each release spent.
--no-noise-k-only-unsafe publishes exact numbers behind k reports instead: k alone does not
resist injected reports (anyone can send k − 1 reports with known counts beside a victim's).

Examples:
  $ telemetry-server merge --data /var/lib/telemetry/data --publish aggregates
  $ telemetry-server merge --database postgres://merge@db/telemetry --publish aggregates --epsilon 2
  $ telemetry-server merge --data ./telemetry-data --publish raw --now 2026-12-01 --json

The store records the --publish it was first served or merged with; merge without --publish
uses it, and a different --publish is refused. --data must name an existing store.

Exit codes: 0 merged (or nothing to merge), 1 failed or another merge holds the lock, 2 usage.
`;

interface Opts extends Omit<PublicationFlags, 'publish'> {
  publish?: PublishMode;
  data?: string;
  database?: string;
  now?: string;
  json?: boolean;
}

export function mergeCommand(): Command {
  const command = new Command('merge')
    .description('merge the stored reports of days that are over and publish them')
    .option('--data <dir>', 'the embedded store directory')
    .option('--database <url>', 'the PostgreSQL store (postgres://…)')
    .addOption(
      new Option(
        '--publish <mode>',
        'what is published (default: the mode the store ' + 'was first served or merged in)',
      ).choices(['raw', 'aggregates']),
    );
  return publicationFlags(command)
    .option('--now <YYYY-MM-DD>', 'merge as if today were this UTC day')
    .option('--json', 'print one JSON document')
    .addHelpText('after', HELP)
    .action(async (options: Opts) => {
      const usage = (message: string) => new CliError(message, EXIT_USAGE);
      if (!options.data === !options.database) {
        throw usage('give exactly one of --data <dir> and --database <url>');
      }
      if (options.publish !== undefined) checkOptions(options as Opts & { publish: PublishMode });
      // A mistyped path would otherwise become a new, empty store and "nothing to merge".
      // (A directory of the old layout goes on, to be told about import-dir.)
      const isStore = (dir: string) =>
        [DATABASE_FILE, OLD_LAYOUT].some((file) => existsSync(join(dir, file)));
      if (options.data && !isStore(options.data)) {
        throw new CliError(
          `no store in ${options.data} (no ${DATABASE_FILE}): check --data; ` +
            '`serve` creates the store',
        );
      }
      const where = storeName(options);
      let store: Store;
      try {
        store = await openStore({ data: options.data, database: options.database });
      } catch (e) {
        throw new CliError(`cannot open the store: ${why(e)}`);
      }
      let result: MergeResult | null;
      let opts: ReturnType<typeof checkOptions>;
      try {
        const publish = options.publish ?? (await recordedMode(store, where))?.publish ?? null;
        if (publish === null) {
          throw usage(
            `${where} has no recorded publication mode yet: give --publish ` +
              '(the same as the `serve` that takes its reports)',
          );
        }
        opts = checkOptions({ ...options, publish });
        await holdMode(store, where, publish, opts.epsilon !== undefined);
        result = await runMerge(store, opts);
        // The pages `serve` shows are rendered where the merge runs (the store keeps them).
        const { publishDataPages } = await import('../pages/index.js');
        await publishDataPages(store, { publish: opts.publish, k: opts.k, epsilon: opts.epsilon });
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`merge failed: ${why(e)}`);
      } finally {
        await store.close();
      }
      if (result === null) throw new CliError('another merge holds the merge lock; nothing done');
      print(result, options.json === true);
      // The days after a skipped one were merged; the exit code still says one was not.
      const skipped = result.skipped.map((day) => `${day.day} (${day.reason})`);
      if (skipped.length)
        throw new CliError(`days not merged, left for the next run: ${skipped.join('; ')}`);
    });
}

function checkOptions(options: Opts & { publish: PublishMode }) {
  const publication = publicationOptions(options);
  let now = new Date();
  if (options.now !== undefined) {
    now = new Date(dayFlag(options.now) + 12 * 3_600_000); // noon UTC of that day
  }
  return { publish: options.publish, ...publication, now };
}

/** What is waiting, and until when: a merge that merged or released nothing says why. */
function waitingLines(result: MergeResult): string[] {
  const lines: string[] = [];
  if (result.days.length === 0 && result.waiting.length === 0) {
    lines.push('nothing to merge: every stored report is merged');
  }
  if (result.waiting.length) {
    const next = addDays(result.waiting.at(-1)!, 1);
    lines.push(
      `not merged yet: reports that arrived on ${result.waiting.join(', ')} (UTC), ` +
        'merged once that day is over;',
      `  to see them merged now in a trial store, run with --now ${next}`,
    );
  }
  for (const w of result.open) {
    const days = `${addDays(w.week, -6)} to ${w.week}, named by its Sunday`;
    lines.push(
      `week ${w.week} (${days}) is released by the first merge on or after ` +
        `${w.releasedFrom}: its reports may arrive until then`,
    );
  }
  return lines;
}

function print(result: MergeResult, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const n = result.days.reduce((total, day) => total + day.reports, 0);
  const lines = [
    `merged ${result.days.length} day${result.days.length === 1 ? '' : 's'}, ${n} report${n === 1 ? '' : 's'}`,
  ];
  for (const d of result.days) lines.push(`  ${d.day}: ${d.reports} reports`);
  if (result.weeks.length) lines.push(`aggregates written: ${result.weeks.join(', ')}`);
  if (result.released.length) lines.push(`released final: ${result.released.join(', ')}`);
  if (result.withheldWeeks.length) {
    lines.push(
      `closed and not published (no cell reached the privacy threshold): ${result.withheldWeeks.join(', ')}`,
    );
  }
  if (result.late)
    lines.push(`${result.late} reports arrived after their week closed and were not counted`);
  lines.push(...waitingLines(result));
  if (result.capped) {
    lines.push(
      `${result.capped} reports held more than --values-per-report counts; ` +
        'the rest of each was not counted',
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}
