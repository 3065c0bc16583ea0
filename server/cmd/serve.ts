// `telemetry-server serve`: the collection server (server/serve/). Runs until SIGTERM or
// SIGINT, then stops accepting, finishes the uploads in flight and closes the store: every 200
// it sent is durable. The first stdout line is `listening on <url>`; logs are JSON lines on stderr.
import { Command, Option } from 'commander';
import type { Extension, Metrics } from '../serve/index.js';
import { dirReader, parseVerifier, verifyLog } from '../../config/index.js';
import { CliError, EXIT_USAGE, dayFlag, intIn, why } from './common.js';
import { holdMode, storeName } from './recorded-mode.js';
import {
  type Publication,
  type PublicationFlags,
  publicationFlags,
  publicationOptions,
} from './publication.js';

const HELP = `
Stores: --data <dir> (the default, ./telemetry-data: an SQLite database, telemetry.sqlite, and
the published files) or --database postgres://user@host/db (PostgreSQL: any number of replicas
share it). A data directory of the old segment store must be moved first (import-dir). The config
versions allowed are those in --log, the directory \`telemetry-server publish\` writes; it is
also served at /config-log/. Routes: POST /upload/<week>, GET /healthz, GET /metrics
(Prometheus text), GET /config-log/…, and the public pages /charts, /data, /config, /privacy.
Every hour the days that are over are merged and published (--publish, --k, --epsilon,
--delta, --values-per-report, --no-noise-k-only-unsafe as for \`telemetry-server merge\`);
replicas take turns through the store's merge lock. --now <day> is a trial clock for trying
the whole loop in minutes on a trial store (server/README.md); never on a real collector.

Examples:
  $ telemetry-server serve --log ./config-log --data ./telemetry-data --port 8080
  $ telemetry-server serve --log ./config-log --database postgres://telemetry@db/telemetry --host 0.0.0.0
  $ telemetry-server serve --log ./config-log --data ./d --port 0   # any free port; see stdout
`;

interface Opts extends PublicationFlags {
  log: string;
  key?: string;
  data?: string;
  database?: string;
  port: string;
  host: string;
  maxInFlight: string;
  maxConnections?: string;
  now?: string;
  sync: 'full' | 'normal';
}

export function serveCommand(): Command {
  const command = new Command('serve')
    .description(
      'run the collection server: strict intake at POST /upload/<week>, the config log, the public pages and their hourly merge, /healthz',
    )
    .requiredOption('--log <dir>', 'the config log directory (what `publish` writes)')
    .option('--data <dir>', 'the embedded store: a data directory (default: ./telemetry-data)')
    .option('--database <url>', 'the PostgreSQL store: postgres://… (replicas share it)')
    .option('--port <n>', 'TCP port; 0 picks a free one', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--publish <what>', 'what merging publishes: raw reports or aggregates only')
        .choices(['raw', 'aggregates'])
        .default('raw'),
    );
  return publicationFlags(command)
    .option(
      '--key <verifier>',
      "the log's verifier key: /config and /privacy then show only a log whose signature verifies",
    )
    .option('--max-in-flight <n>', 'uploads handled at once; more get 503 with Retry-After', '256')
    .option(
      '--max-connections <n>',
      'open connections at most; one more evicts the one idle longest (default: 1024, or ulimit -n less 64)',
    )
    .option('--now <YYYY-MM-DD>', 'a TRIAL clock: intake and merges act as if today were this day')
    .addOption(
      new Option(
        '--sync <when>',
        'embedded store: full syncs every commit (a 200 survives power loss); normal syncs at checkpoints (a 200 survives a crash of the server only)',
      )
        .choices(['full', 'normal'])
        .default('full'),
    )
    .addHelpText('after', HELP)
    .action(async (options: Opts) => {
      if (options.data && options.database)
        throw new CliError('give --data or --database, not both', EXIT_USAGE);
      if (options.database && !/^postgres(?:ql)?:\/\//.test(options.database))
        throw new CliError('--database must be a postgres:// URL', EXIT_USAGE);
      const port = intIn(options.port, '--port', 0, 65_535);
      const maxInFlight = intIn(options.maxInFlight, '--max-in-flight', 1, 1_000_000);
      const maxConnections =
        options.maxConnections === undefined
          ? undefined
          : intIn(options.maxConnections, '--max-connections', 1, 1_000_000);
      const publication = publicationOptions(options);
      if (options.key !== undefined) checkKey(options.log, options.key);
      const now = trialClock(options.now);
      const { countingLogger, startServer, stderrLogger } = await import('../serve/index.js');
      const metrics = countingLogger(stderrLogger());
      let server;
      try {
        const where = storeName(options);
        const extend = await publicPages(
          options.log,
          options.key,
          publication,
          now,
          metrics,
          where,
        );
        server = await startServer({
          logger: metrics.logger,
          log: options.log,
          data: options.database ? undefined : (options.data ?? 'telemetry-data'),
          database: options.database,
          port,
          host: options.host,
          publish: options.publish,
          maxInFlight,
          maxConnections,
          sync: options.sync,
          extend,
          now,
        });
      } catch (e) {
        throw new CliError(`cannot start: ${why(e)}`);
      }
      const stopped = new Promise<void>((resolve, reject) => {
        const stop = (): void => {
          process.once('SIGTERM', () => process.exit(1)); // a second signal: stop now
          process.once('SIGINT', () => process.exit(1));
          server.close().then(resolve, reject);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      // Printed only once the handlers are in place: a SIGTERM sent on seeing this line could
      // otherwise arrive before them and kill the process by the signal's default action.
      process.stdout.write(`listening on ${server.url}\n`);
      await stopped;
    });
}

/**
 * `--key`: a malformed key is a usage error; a key that does not verify the log refuses to start,
 * since /config and /privacy would otherwise say only "cannot be shown" to the public.
 */
function checkKey(logDir: string, key: string): void {
  try {
    parseVerifier(key);
  } catch (e) {
    throw new CliError(`--key: ${why(e)}`, EXIT_USAGE);
  }
  try {
    verifyLog(dirReader(logDir), key);
  } catch (e) {
    throw new CliError(
      `--key does not verify the config log ${logDir}: ${why(e)}; ` +
        'give the verifier key of the key that signed it (`verify-log` checks one)',
    );
  }
}

/**
 * `--now`: the given UTC day at the real time of day, moving with the real clock, so a vendor's
 * trial sees a week end in minutes with the client's TRANSPARENT_TELEMETRY_NOW set to the same day.
 */
function trialClock(day: string | undefined): (() => Date) | undefined {
  if (day === undefined) return undefined;
  const start = dayFlag(day);
  const offset = start - Math.floor(Date.now() / 86_400_000) * 86_400_000;
  return () => new Date(Date.now() + offset);
}

/** The public pages and the hourly merge, on the same app and store as intake. */
async function publicPages(
  logDir: string,
  logKey: string | undefined,
  publication: Publication,
  now: (() => Date) | undefined,
  metrics: Metrics,
  where: string,
): Promise<Extension> {
  const { registerPublic, startMergeSchedule } = await import('../pages/index.js');
  const { mergeInWorker } = await import('../merge/index.js');
  // Beside this bundle (server/dist/): the merge runs there, off the thread that answers uploads.
  const workerFile = new URL('./merge-worker.js', import.meta.url);
  return async (app, { store, publish, logger }) => {
    // Before any page or merge: a store served in another mode is refused, not republished.
    await holdMode(store, where, publish, publication.epsilon !== undefined);
    const pages = await registerPublic(app, { store, logDir, logKey, publish, ...publication });
    // Counts only (no address, path or content); the nginx example keeps it to the machine.
    app.get('/metrics', async (_req, reply) =>
      reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(metrics.text()),
    );
    const schedule = startMergeSchedule({
      store,
      publish,
      ...publication,
      ...(now ? { now } : {}),
      runner: (lent, options) => mergeInWorker(lent, options, { workerFile }),
      onStart: () => logger.log({ event: 'merge-start' }),
      onRun: (result, error) => {
        if (error) logger.log({ event: 'merge', ok: false, reason: why(error) });
        else if (result && result.days.length)
          logger.log({
            event: 'merge',
            ok: true,
            days: result.days.length,
            reports: result.days.reduce((total, day) => total + day.reports, 0),
          });
        for (const d of result?.skipped ?? [])
          logger.log({ event: 'merge-skipped', day: d.day, reason: d.reason });
        // The worker wrote the data pages (or a replica did): serve those from now on.
        pages
          .reload()
          .catch((err: unknown) => logger.log({ event: 'pages-reload-failed', reason: why(err) }));
      },
    });
    return async () => {
      schedule.stop();
      pages.stop();
      await schedule.idle(); // a merge in flight finishes before the store closes
    };
  };
}
