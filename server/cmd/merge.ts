// `telemetry-server merge`: merges every day that is over (UTC) and not merged yet, and
// publishes (DESIGN §17). The hourly schedule inside `serve` runs the same merge; this command
// is for a collector run without `serve`, for a backfill, and for tests (--now).
import { Command, Option } from 'commander';
import { DEFAULT_BUDGET, type MergeResult, type PublishMode, addDays, runMerge, utcDay } from '../merge/index.js';
import { openStore, type Store } from '../store/index.js';
import { CliError, EXIT_USAGE, why } from './common.js';

const HELP = `
Only days before today (UTC) are merged. In raw mode each day's reports are published as
NDJSON and every week that changed gets its aggregate rewritten. In aggregates mode nothing
is published until a week can receive no more reports; then its aggregate is released once,
differentially private, and its sums and the merged reports are deleted. Each release spends
--epsilon per report (default ${DEFAULT_BUDGET.epsilon}: the week's budget); a label from reports (a version, a
stack) shows only when its noised count reaches a threshold derived from ε and --delta (default
${DEFAULT_BUDGET.delta}), so a label one report holds shows with probability at most δ. Each report adds at most
--values-per-report counts (default ${DEFAULT_BUDGET.valuesPerReport}). /data/ledger.json lists what each release spent.
--no-noise-k-only-unsafe publishes exact numbers behind k reports instead: k alone does not
resist injected reports (anyone can send k − 1 reports with known counts beside a victim's).

Examples:
  $ telemetry-server merge --data /var/lib/telemetry --publish raw
  $ telemetry-server merge --database postgres://merge@db/telemetry --publish aggregates --k 50 --epsilon 2
  $ telemetry-server merge --data ./data --publish raw --now 2026-12-01 --json

Exit codes: 0 merged (or nothing to merge), 1 failed or another merge holds the lock, 2 usage.
`;

interface Opts extends PublicationFlags { data?: string; database?: string; now?: string; json?: boolean }

/** The publication flags `merge` and `serve` share. */
export interface PublicationFlags {
  publish: PublishMode;
  k: string;
  epsilon?: string;
  delta?: string;
  valuesPerReport?: string;
  /** Commander's negation: false when --no-noise-k-only-unsafe is given. */
  noiseKOnlyUnsafe?: boolean;
}

/** Adds the publication flags to a command (merge, serve). */
export function publicationFlags(c: Command): Command {
  return c
    .option('--k <n>', 'aggregates mode: fewest reports behind any published number', '20')
    .option('--epsilon <e>', `aggregates mode: privacy loss per report per weekly release (default ${DEFAULT_BUDGET.epsilon})`)
    .option('--delta <d>', `aggregates mode: most probability a label one report holds is shown (default ${DEFAULT_BUDGET.delta})`)
    .option('--values-per-report <n>', `aggregates mode: most counts one report adds (default ${DEFAULT_BUDGET.valuesPerReport})`)
    .option('--no-noise-k-only-unsafe', 'aggregates mode: NO noise, exact numbers behind k reports; injected reports beat it');
}

export function mergeCommand(): Command {
  const command = new Command('merge')
    .description('merge the stored reports of days that are over and publish them')
    .option('--data <dir>', 'the embedded store directory')
    .option('--database <url>', 'the PostgreSQL store (postgres://…)')
    .addOption(new Option('--publish <mode>', 'what is published').choices(['raw', 'aggregates']).makeOptionMandatory());
  return publicationFlags(command)
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
      } catch (e) {
        throw new CliError(`merge failed: ${why(e)}`);
      } finally {
        await store.close();
      }
      if (result === null) throw new CliError('another merge holds the merge lock; nothing done');
      print(result, o.json === true);
    });
}

function checkOptions(o: Opts) {
  const usage = (m: string) => new CliError(m, EXIT_USAGE);
  if (!o.data === !o.database) throw usage('give exactly one of --data <dir> and --database <url>');
  const publication = publicationOptions(o);
  let now = new Date();
  if (o.now !== undefined) {
    now = new Date(`${o.now}T12:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.now) || Number.isNaN(now.getTime()) || utcDay(now) !== o.now) throw usage(`--now: ${JSON.stringify(o.now)} is not a YYYY-MM-DD date`);
  }
  return { publish: o.publish, ...publication, now };
}

export interface Publication { k: number; epsilon?: number; delta?: number; valuesPerReport?: number }

/** The publication flags, checked the same way for `merge` and for `serve`'s hourly merge. */
export function publicationOptions(o: PublicationFlags): Publication {
  const usage = (m: string) => new CliError(m, EXIT_USAGE);
  if (!/^[1-9][0-9]{0,5}$/.test(o.k)) throw usage(`--k: ${JSON.stringify(o.k)} is not a whole number from 1 to 999999`);
  const k = Number(o.k);
  const noiseFlags = [o.epsilon && '--epsilon', o.delta && '--delta', o.valuesPerReport && '--values-per-report'].filter(Boolean);
  if (o.publish !== 'aggregates') {
    if (noiseFlags.length || o.noiseKOnlyUnsafe === false) throw usage(`${noiseFlags[0] ?? '--no-noise-k-only-unsafe'}: noise applies only with --publish aggregates (raw mode publishes the reports)`);
    return { k };
  }
  if (o.noiseKOnlyUnsafe === false) {
    if (noiseFlags.length) throw usage(`${noiseFlags[0]} and --no-noise-k-only-unsafe contradict each other`);
    return { k };
  }
  const number = (v: string | undefined, flag: string, fallback: number, ok: (n: number) => boolean, what: string): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^[0-9.e+-]+$/i.test(v) || !ok(n)) throw usage(`${flag}: ${JSON.stringify(v)} is not ${what}`);
    return n;
  };
  const epsilon = number(o.epsilon, '--epsilon', DEFAULT_BUDGET.epsilon, (n) => n > 0 && n <= 100, 'a number in (0, 100]');
  const delta = number(o.delta, '--delta', DEFAULT_BUDGET.delta, (n) => n > 0 && n <= 0.01, 'a number in (0, 0.01]');
  const valuesPerReport = number(o.valuesPerReport, '--values-per-report', DEFAULT_BUDGET.valuesPerReport,
    (n) => Number.isInteger(n) && n >= 5 && n <= 100_000, 'a whole number from 5 to 100000');
  return { k, epsilon, delta, valuesPerReport };
}

/** What is waiting, and until when: a merge that merged or released nothing says why. */
function waitingLines(r: MergeResult): string[] {
  const lines: string[] = [];
  if (r.days.length === 0 && r.waiting.length === 0) lines.push('nothing to merge: every stored report is merged');
  if (r.waiting.length) {
    const next = addDays(r.waiting.at(-1)!, 1);
    lines.push(`not merged yet: reports that arrived on ${r.waiting.join(', ')} (UTC), merged once that day is over;`,
      `  to see them merged now in a trial store, run with --now ${next}`);
  }
  for (const w of r.open) {
    lines.push(`week ${w.week} (${addDays(w.week, -6)} to ${w.week}, named by its Sunday) is released by the first merge on or after ${w.releasedFrom}: its reports may arrive until then`);
  }
  return lines;
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
  lines.push(...waitingLines(r));
  if (r.capped) lines.push(`${r.capped} reports held more than --values-per-report counts; the rest of each was not counted`);
  process.stdout.write(lines.join('\n') + '\n');
}
