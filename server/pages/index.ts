// The collector's public face (DESIGN §17): /charts, /data (and its downloads), /config,
// /privacy, and the two files they load from /assets/. `registerPublic` adds the routes to
// the server's fastify app; `startMergeSchedule` runs the hourly merge inside `serve`.
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.js';
import type { PublishMode } from '../merge/index.js';
import { chartsPage } from './charts-page.js';
import { type ConfigVersion, configPage, configVersions, unavailablePage } from './config-page.js';
import { registerData } from './data-page.js';
import { CACHE_SHORT, securityHeaders, sendPage, sendText } from './html.js';
import { chartsModel } from './model.js';
import { privacyPage } from './privacy-page.js';
import { allAggregates } from './read.js';

export { startMergeSchedule, type MergeSchedule } from './schedule.js';

export interface PublicContext {
  store: Store;
  /** The config log directory (`publish --log`). */
  logDir: string;
  /** The vendor's verifier key: with it the log's signature is checked too before /config and /privacy show it. */
  logKey?: string | undefined;
  publish: PublishMode;
  k: number;
  epsilon?: number | undefined;
  /** The folder holding charts.js and style.css; by default the one built beside the server. */
  assets?: string | undefined;
}

const ASSETS = { 'charts.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' } as const;

/** Where the built assets are: beside the bundle (server/dist/public), or from the source tree. */
export function defaultAssets(): string {
  const candidates = [new URL('./public/', import.meta.url), new URL('../dist/public/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((d) => existsSync(join(d, 'charts.js'))) ?? candidates[0]!;
}

export async function registerPublic(app: FastifyInstance, ctx: PublicContext): Promise<void> {
  const assets = ctx.assets ?? defaultAssets();
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) {
    try {
      files.set(name, await readFile(join(assets, name)));
    } catch (e) {
      throw new Error(`cannot read the public pages' ${name} in ${assets} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): build with npm run build`, { cause: e });
    }
  }
  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const body = files.get(req.params.name);
    if (!body) return sendText(reply, 404, `error: ${req.params.name} not found`);
    return securityHeaders(reply).type(ASSETS[req.params.name as keyof typeof ASSETS]).header('Cache-Control', CACHE_SHORT).send(body);
  });
  // Published files change only when a merge runs (hourly at most, perhaps in another replica): a page
  // built from them is kept for a minute rather than rebuilt from every week on every request.
  const charts = keptFor(60_000, async () => chartsPage(chartsModel(await allAggregates(ctx.store)), ctx));
  app.get('/charts', async (_req, reply) => sendPage(reply, await charts()));
  // Go's collector shows its charts at `/`; here the charts page is the front page too.
  app.get('/', async (_req, reply) => securityHeaders(reply).header('Cache-Control', CACHE_SHORT).redirect('/charts', 302));
  const versions = versionsReader(ctx);
  registerData(app, ctx);
  app.get('/config', async (_req, reply) => {
    const v = await versions();
    if ('error' in v) return sendPage(reply.code(503), unavailablePage('Collection config', '/config', v.error), 'no-store');
    return sendPage(reply, configPage(v.list));
  });
  app.get('/privacy', async (_req, reply) => {
    const v = await versions();
    if ('error' in v) return sendPage(reply.code(503), unavailablePage('Privacy', '/privacy', v.error), 'no-store');
    const last = v.list.at(-1);
    return sendPage(reply, privacyPage({ publish: ctx.publish, k: ctx.k, epsilon: ctx.epsilon, config: last?.config ?? null, version: last?.index ?? null }));
  });
}

/** The log's versions, read again only when its checkpoint changed (a vendor publishes without a restart). */
function versionsReader(ctx: PublicContext): () => Promise<{ list: ConfigVersion[] } | { error: string }> {
  let memo: { key: string; list: ConfigVersion[] } | null = null;
  return async () => {
    const cp = join(ctx.logDir, 'checkpoint');
    if (!existsSync(cp)) return { list: [] };
    try {
      const key = await readFile(cp, 'latin1');
      if (memo?.key !== key) memo = { key, list: configVersions(ctx.logDir, ctx.logKey) };
      return { list: memo.list };
    } catch (e) {
      return { error: `config log ${ctx.logDir} does not verify: ${(e as Error).message}` };
    }
  };
}

/** `fn`'s result, computed again once `ms` have passed (one computation at a time). */
export function keptFor<T>(ms: number, fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  let at = 0;
  return () => {
    if (!value || Date.now() - at > ms) {
      at = Date.now();
      value = fn().catch((e: unknown) => {
        value = null;
        throw e;
      });
    }
    return value;
  };
}
