// `telemetry-server serve`: the collection server (server/serve/). Runs until SIGTERM or
// SIGINT, then stops accepting, finishes the uploads in flight and closes the store: every 200
// it sent is durable. The first stdout line is `listening on <url>`; logs are JSON lines on stderr.
import { Command, Option } from 'commander';
import type { Extension } from '../serve/index.js';
import { CliError, EXIT_USAGE, why } from './common.js';
import { publicationOptions } from './merge.js';

const HELP = `
Stores: --data <dir> (the default, ./telemetry-data: an SQLite database, telemetry.sqlite, and
the published files) or --database postgres://user@host/db (PostgreSQL: any number of replicas
share it). A data directory of the old segment store must be moved first (import-dir). The config
versions allowed are those in --log, the directory \`telemetry-server publish\` writes; it is
also served at /config-log/. Routes: POST /upload/<week>, GET /healthz, GET /config-log/…, and
the public pages /charts, /data, /config, /privacy. Every hour the days that are over are
merged and published (--publish, --k, --epsilon as for \`telemetry-server merge\`); replicas
take turns through the store's merge lock.

Examples:
  $ telemetry-server serve --log ./config-log --data ./telemetry-data --port 8080
  $ telemetry-server serve --log ./config-log --database postgres://telemetry@db/telemetry --host 0.0.0.0
  $ telemetry-server serve --log ./config-log --data ./d --port 0   # any free port; see stdout
`;

interface Opts { log: string; key?: string; data?: string; database?: string; port: string; host: string; publish: 'raw' | 'aggregates'; k: string; epsilon?: string; maxInFlight: string; sync: 'full' | 'normal' }

function intIn(v: string, what: string, lo: number, hi: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < lo || n > hi) throw new CliError(`${what} ${JSON.stringify(v)} is not a whole number from ${lo} to ${hi}`, EXIT_USAGE);
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the collection server: strict intake at POST /upload/<week>, the config log, the public pages and their hourly merge, /healthz')
    .requiredOption('--log <dir>', 'the config log directory (what `publish` writes)')
    .option('--data <dir>', 'the embedded store: a data directory (default: ./telemetry-data)')
    .option('--database <url>', 'the PostgreSQL store: postgres://… (replicas share it)')
    .option('--port <n>', 'TCP port; 0 picks a free one', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--publish <what>', 'what merging publishes: raw reports or aggregates only').choices(['raw', 'aggregates']).default('raw'))
    .option('--k <n>', 'aggregates mode: fewest reports behind any published number', '20')
    .option('--epsilon <e>', 'aggregates mode: noise per published count (two-sided geometric)')
    .option('--key <verifier>', 'the log\'s verifier key: /config and /privacy then show only a log whose signature verifies')
    .option('--max-in-flight <n>', 'uploads handled at once; more get 503 with Retry-After', '256')
    .addOption(new Option('--sync <when>', 'embedded store: full syncs every commit (a 200 survives power loss); normal syncs at checkpoints (a 200 survives a crash of the server only)').choices(['full', 'normal']).default('full'))
    .addHelpText('after', HELP)
    .action(async (o: Opts) => {
      if (o.data && o.database) throw new CliError('give --data or --database, not both', EXIT_USAGE);
      if (o.database && !/^postgres(?:ql)?:\/\//.test(o.database)) throw new CliError('--database must be a postgres:// URL', EXIT_USAGE);
      const port = intIn(o.port, '--port', 0, 65_535);
      const maxInFlight = intIn(o.maxInFlight, '--max-in-flight', 1, 1_000_000);
      const publication = publicationOptions(o);
      const { startServer } = await import('../serve/index.js');
      let server;
      try {
        const extend = await publicPages(o.log, o.key, publication);
        server = await startServer({ log: o.log, data: o.database ? undefined : (o.data ?? 'telemetry-data'), database: o.database, port, host: o.host, publish: o.publish, maxInFlight, sync: o.sync, extend });
      } catch (e) {
        throw new CliError(`cannot start: ${why(e)}`);
      }
      process.stdout.write(`listening on ${server.url}\n`);
      await new Promise<void>((resolve, reject) => {
        const stop = (): void => {
          process.once('SIGTERM', () => process.exit(1)); // a second signal: stop now
          process.once('SIGINT', () => process.exit(1));
          server.close().then(resolve, reject);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}

/** The public pages and the hourly merge, on the same app and store as intake. */
async function publicPages(logDir: string, logKey: string | undefined, p: { k: number; epsilon?: number }): Promise<Extension> {
  const { registerPublic, startMergeSchedule } = await import('../pages/index.js');
  return async (app, { store, publish, logger }) => {
    await registerPublic(app, { store, logDir, logKey, publish, ...p });
    const schedule = startMergeSchedule({
      store, publish, ...p,
      onRun: (r, error) => {
        if (error) logger.log({ event: 'merge', ok: false, reason: why(error) });
        else if (r && r.days.length) logger.log({ event: 'merge', ok: true, days: r.days.length, reports: r.days.reduce((a, d) => a + d.reports, 0) });
      },
    });
    return async () => {
      schedule.stop();
      await schedule.idle(); // a merge in flight finishes before the store closes
    };
  };
}
