// `telemetry-server merge`: merges every day that is over (UTC) and not merged yet, and
// publishes (DESIGN §17). The hourly schedule inside `serve` runs the same merge; this command
// is for a collector run without `serve`, for a backfill, and for tests (--now).
import { Command, Option } from 'commander';
import { type MergeResult, type PublishMode, runMerge, utcDay } from '../merge/index.js';
import { openStore, type Store } from '../store/index.js';
import { CliError, EXIT_USAGE, why } from './common.js';

const HELP = `
Only days before today (UTC) are merged. In raw mode each day's reports are published as
NDJSON and every week that changed gets its aggregate rewritten. In aggregates mode nothing
is published until a week can receive no more reports; then its aggregate is released once
(k-anonymity, optional noise) and its sums and the merged reports are deleted.

Examples:
  $ telemetry-server merge --data /var/lib/telemetry --publish raw
  $ telemetry-server merge --database postgres://merge@db/telemetry --publish aggregates --k 50 --epsilon 1
  $ telemetry-server merge --data ./data --publish raw --now 2026-12-01 --json

Exit codes: 0 merged (or nothing to merge), 1 failed or another merge holds the lock, 2 usage.
`;

interface Opts { data?: string; database?: string; publish: PublishMode; k: string; epsilon?: string; now?: string; json?: boolean }

export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge the stored reports of days that are over and publish them')
    .option('--data <dir>', 'the embedded store directory')
    .option('--database <url>', 'the PostgreSQL store (postgres://…)')
    .addOption(new Option('--publish <mode>', 'what is published').choices(['raw', 'aggregates']).makeOptionMandatory())
    .option('--k <n>', 'aggregates mode: fewest reports behind any published number', '20')
    .option('--epsilon <e>', 'aggregates mode: noise per published count (two-sided geometric)')
    .option('--now <YYYY-MM-DD>', 'merge as if today were this UTC day')
    .option('--json', 'print one JSON document')
    .addHelpText('after', HELP)
    .action(async (o: Opts) => {
      const opts = checkOptions(o);
      let store: Store;
      try {
        store = await openStore({ data: o.data, database: o.database });
      } catch (e) {
        throw new CliError(`cannot open the store: ${why(e)}`);
      }
      let result: MergeResult | null;
      try {
        result = await runMerge(store, opts);
        // The pages `serve` shows are rendered where the merge runs (the store keeps them).
        const { publishDataPages } = await import('../pages/index.js');
        await publishDataPages(store, { publish: opts.publish, k: opts.k, epsilon: opts.epsilon });
      } catch (e) {
        throw new CliError(`merge failed: ${why(e)}`);
      } finally {
        await store.close();
      }
      if (result === null) throw new CliError('another merge holds the merge lock; nothing done');
      print(result, o.json === true);
      // The days after a skipped one were merged; the exit code still says one was not.
      const skipped = result.skipped.map((d) => `${d.day} (${d.reason})`);
      if (skipped.length) throw new CliError(`days not merged, left for the next run: ${skipped.join('; ')}`);
    });
}

function checkOptions(o: Opts) {
  const usage = (m: string) => new CliError(m, EXIT_USAGE);
  if (!o.data === !o.database) throw usage('give exactly one of --data <dir> and --database <url>');
  const { k, epsilon } = publicationOptions(o);
  let now = new Date();
  if (o.now !== undefined) {
    now = new Date(`${o.now}T12:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.now) || Number.isNaN(now.getTime()) || utcDay(now) !== o.now) throw usage(`--now: ${JSON.stringify(o.now)} is not a YYYY-MM-DD date`);
  }
  return { publish: o.publish, k, epsilon, now };
}

/** `--k` and `--epsilon`, checked the same way for `merge` and for `serve`'s hourly merge. */
export function publicationOptions(o: { publish: PublishMode; k: string; epsilon?: string }): { k: number; epsilon?: number } {
  const usage = (m: string) => new CliError(m, EXIT_USAGE);
  if (!/^[1-9][0-9]{0,5}$/.test(o.k)) throw usage(`--k: ${JSON.stringify(o.k)} is not a whole number from 1 to 999999`);
  if (o.epsilon === undefined) return { k: Number(o.k) };
  const epsilon = Number(o.epsilon);
  if (o.publish !== 'aggregates') throw usage('--epsilon: noise applies only with --publish aggregates (raw mode publishes the reports)');
  if (!(epsilon > 0 && epsilon <= 100) || !/^[0-9.e+-]+$/i.test(o.epsilon)) throw usage(`--epsilon: ${JSON.stringify(o.epsilon)} is not a number in (0, 100]`);
  return { k: Number(o.k), epsilon };
}

function print(r: MergeResult, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return;
  }
  const n = r.days.reduce((a, d) => a + d.reports, 0);
  const lines = [`merged ${r.days.length} day${r.days.length === 1 ? '' : 's'}, ${n} report${n === 1 ? '' : 's'}`];
  for (const d of r.days) lines.push(`  ${d.day}: ${d.reports} reports`);
  if (r.weeks.length) lines.push(`aggregates written: ${r.weeks.join(', ')}`);
  if (r.released.length) lines.push(`released final: ${r.released.join(', ')}`);
  if (r.late) lines.push(`${r.late} reports arrived after their week closed and were not counted`);
  process.stdout.write(lines.join('\n') + '\n');
}
