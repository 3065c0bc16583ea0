// The collector's public face (docs/publication.md): /charts, /data (and its downloads), /config,
// /privacy, and the two files they load from /assets/. `registerPublic` adds the routes to
// the server's fastify app; `startMergeSchedule` runs the hourly merge inside `serve`.
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.js';
import type { PublishMode } from '../merge/index.js';
import { type ConfigVersion, configPage, configVersions, unavailablePage } from './config-page.js';
import { registerData } from './data-page.js';
import { HTML, type PageFile, pageFile, sendFile } from './files.js';
import { CACHE_SHORT, securityHeaders, sendProblem } from './html.js';
import { privacyPage } from './privacy-page.js';
import { STORED_PAGES, readDataPages, renderDataPages } from './render.js';

export { type MergeRunner, type MergeSchedule, startMergeSchedule } from './schedule.js';
export { type Mode, publishDataPages } from './render.js';

export interface PublicContext {
  store: Store;
  /** The config log directory (`publish --log`). */
  logDir: string;
  /** The vendor's verifier key: with it the log's signature is checked too before /config and /privacy show it. */
  logKey?: string | undefined;
  publish: PublishMode;
  k: number;
  epsilon?: number | undefined;
  delta?: number | undefined;
  valuesPerReport?: number | undefined;
  /** The folder holding charts.js and style.css; by default the one built beside the server. */
  assets?: string | undefined;
}

const ASSETS = {
  'charts.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
} as const;

/** Where the built assets are: beside the bundle (server/dist/public), or from the source tree. */
export function defaultAssets(): string {
  const candidates = [
    new URL('./public/', import.meta.url),
    new URL('../dist/public/', import.meta.url),
  ].map((url) => fileURLToPath(url));
  return candidates.find((dir) => existsSync(join(dir, 'charts.js'))) ?? candidates[0]!;
}

/** What `registerPublic` gives back: reload the data pages once a merge has published. */
export interface PublicPages {
  /** Reads the data pages back from the store (a merge, here or on a replica, wrote them). */
  reload(): Promise<void>;
  /** Stops watching the config log. */
  stop(): void;
}

/** How often the config log's checkpoint is looked at, to render /config and /privacy again. */
const CONFIG_CHECK_MS = 5_000;

export async function registerPublic(
  app: FastifyInstance,
  ctx: PublicContext,
): Promise<PublicPages> {
  const assets = ctx.assets ?? defaultAssets();
  const files = new Map<string, PageFile>();
  for (const name of Object.keys(ASSETS) as (keyof typeof ASSETS)[]) {
    try {
      files.set(name, pageFile(await readFile(join(assets, name)), ASSETS[name]));
    } catch (e) {
      throw new Error(
        `cannot read the public pages' ${name} in ${assets} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): build with npm run build`,
        { cause: e },
      );
    }
  }
  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const file = files.get(req.params.name);
    if (!file) return sendProblem(reply, 404, 'not-found', `${req.params.name} is not an asset`);
    return sendFile(req, reply, file);
  });
  // Rendered now from what is published, then again after each merge (the worker writes them).
  // A published file that does not read must not keep the server from starting: those pages
  // answer 503 until the next merge renders them (its failure is logged there).
  const pages = new Map<string, PageFile>(await renderDataPages(ctx.store, ctx).catch(() => []));
  const serveFile = (path: string) =>
    app.get(path, async (req, reply) => sendFile(req, reply, pages.get(path)));
  for (const path of Object.keys(STORED_PAGES)) serveFile(path);
  // Go's collector shows its charts at `/`; here the charts page is the front page too.
  app.get('/', async (_req, reply) =>
    securityHeaders(reply).header('Cache-Control', CACHE_SHORT).redirect('/charts', 302),
  );
  registerData(app, ctx);
  const renderConfig = configRenderer(ctx, pages);
  await renderConfig();
  for (const path of ['/config', '/privacy']) serveFile(path);
  const timer = setInterval(() => void renderConfig().catch(() => undefined), CONFIG_CHECK_MS);
  timer.unref();
  return {
    reload: async () => {
      const stored = await readDataPages(ctx.store);
      if (stored) for (const [path, file] of stored) pages.set(path, file);
    },
    stop: () => clearInterval(timer),
  };
}

/** Renders /config and /privacy again when the log's checkpoint changed (no restart needed). */
function configRenderer(ctx: PublicContext, pages: Map<string, PageFile>): () => Promise<void> {
  const versions = versionsReader(ctx);
  let seen: unknown = null;
  return async () => {
    const v = await versions();
    if (v === seen) return;
    seen = v;
    if ('error' in v) {
      const unavailable = (title: string, path: string) =>
        pages.set(path, pageFile(unavailablePage(title, path, v.error), HTML, 503, 'no-store'));
      unavailable('Collection config', '/config');
      unavailable('Privacy', '/privacy');
      return;
    }
    const last = v.list.at(-1);
    pages.set('/config', pageFile(configPage(v.list)));
    const facts = { config: last?.config ?? null, version: last?.index ?? null };
    pages.set(
      '/privacy',
      pageFile(
        privacyPage({
          publish: ctx.publish,
          k: ctx.k,
          epsilon: ctx.epsilon,
          delta: ctx.delta,
          valuesPerReport: ctx.valuesPerReport,
          ...facts,
        }),
      ),
    );
  };
}

/** The log's versions, read again only when its checkpoint changed (a vendor publishes without a restart). */
function versionsReader(
  ctx: PublicContext,
): () => Promise<{ list: ConfigVersion[] } | { error: string }> {
  // The same object while the checkpoint is unchanged, so the pages are rendered once per change.
  let memo: { key: string; answer: { list: ConfigVersion[] } | { error: string } } | null = null;
  const empty = { list: [] };
  return async () => {
    const cp = join(ctx.logDir, 'checkpoint');
    if (!existsSync(cp)) return empty;
    const key = await readFile(cp, 'latin1').catch(() => '');
    if (memo?.key === key) return memo.answer;
    try {
      memo = { key, answer: { list: configVersions(ctx.logDir, ctx.logKey) } };
    } catch (e) {
      const error = `config log ${ctx.logDir} does not verify: ${(e as Error).message}`;
      memo = { key, answer: { error } };
    }
    return memo.answer;
  };
}
