// `telemetry-server serve`: the collection server. Loads the published config versions from
// the log directory, opens the store, listens, and on close stops accepting, finishes what is
// in flight and closes the store, so nothing acknowledged is lost.
import { openStore } from '../store/index.js';
import { type Extension, buildApp } from './app.js';
import { loadConfigVersions } from './configs.js';
import { type Logger, stderrLogger } from './log.js';

export interface ServeOptions {
  log: string;
  data?: string;
  database?: string;
  port: number;
  host?: string;
  publish: 'raw' | 'aggregates';
  maxInFlight?: number;
  /** The SQLite store's commit sync: `full` (default) or `normal` (server/store/sqlite.ts). */
  sync?: 'full' | 'normal';
  maxConnections?: number;
  logger?: Logger;
  /** The clock of intake (a trial clock: `serve --now`); the real time by default. */
  now?: (() => Date) | undefined;
  /** The public pages and the hourly merge (server/pages/index.ts), when wired. */
  extend?: Extension;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** How often the log's checkpoint is looked at for newly published configs. */
const REFRESH_MS = 5_000;

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger ?? stderrLogger();
  const versions = await loadConfigVersions(options.log, (index, why) =>
    logger.log({ event: 'config-skipped', index, error: why }),
  );
  if (versions.size === 0)
    throw new Error(
      `log ${options.log} holds no config yet: publish one first (telemetry-server publish)`,
    );
  const store = await openStore({
    data: options.data,
    database: options.database,
    sync: options.sync,
  });
  let app;
  let stopExtension: () => Promise<void> = async () => undefined;
  try {
    ({ app, stopExtension } = await buildApp({
      store,
      versions,
      logDir: options.log,
      publish: options.publish,
      logger,
      maxInFlight: options.maxInFlight,
      maxConnections: options.maxConnections,
      extend: options.extend,
      now: options.now,
    }));
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await stopExtension().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
  const timer = setInterval(() => {
    versions
      .refresh()
      .catch((error: Error) =>
        logger.log({ event: 'config-refresh-failed', error: error.message }),
      );
  }, REFRESH_MS);
  timer.unref();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::'
      ? options.host
      : '127.0.0.1';
  logger.log({
    event: 'listening',
    port,
    store: options.database ? 'postgres' : 'sqlite',
    configs: versions.versions.length,
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        await stopExtension(); // no new merge starts; one running finishes
        await app.close(); // stops accepting; waits for requests in flight, whose puts are durable
        await store.close();
        logger.log({ event: 'stopped' });
        logger.flush();
      })()),
  };
}
