// The HTTP app: POST /upload/<week> (strict intake), GET /healthz, GET /config-log/… (the
// config log as static files). Every refusal is a 400 problem document (RFC 9457) naming the
// field and the reason; overload and store trouble are 503 with Retry-After, never a 4xx, which
// Go's uploader (and ours) take as "drop this report". A 200 is sent only once the store has
// the report durably.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_REPORT_BYTES } from '../../upload/index.js';
import type { Store } from '../store/index.js';
import type { ConfigVersions } from './configs.js';
import { checkReport } from './intake.js';
import type { Logger } from './log.js';
import { serveLogFile } from './static.js';

/**
 * More routes and background work on the same app and store: the public pages and the daily
 * merge (server/pages/). Called before the app listens; what it returns is run first on close.
 */
export type Extension = (app: FastifyInstance, context: { store: Store; versions: ConfigVersions; publish: 'raw' | 'aggregates'; logger: Logger }) => Promise<(() => Promise<void>) | void>;

export interface AppOptions {
  extend?: Extension;
  store: Store;
  versions: ConfigVersions;
  logDir: string;
  publish: 'raw' | 'aggregates';
  logger: Logger;
  /** Uploads being checked or stored at once; past this an upload gets 503 at once. */
  maxInFlight?: number;
  now?: () => Date;
}

export const RETRY_AFTER_SECONDS = 5;

interface Problem { status: number; code: string; field?: string; detail: string }
/** With type about:blank, RFC 9457 §4.2.1 asks for the status phrase as the title. */
const TITLES: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };
const reasons = new WeakMap<FastifyRequest, string>();

function problem(req: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  reasons.set(req, p.code);
  if (p.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  const doc = { type: 'about:blank', title: TITLES[p.status], status: p.status, detail: p.field ? `${p.field}: ${p.detail}` : p.detail, code: p.code, ...(p.field !== undefined ? { field: p.field } : {}) };
  return reply.code(p.status).type('application/problem+json').send(JSON.stringify(doc));
}
const refused = (req: FastifyRequest, reply: FastifyReply, code: string, field: string, detail: string): FastifyReply =>
  problem(req, reply, { status: 400, code, field, detail });

export async function buildApp(o: AppOptions): Promise<{ app: FastifyInstance; stopExtension: () => Promise<void> }> {
  const { default: fastify } = await import('fastify');
  const app = fastify({
    logger: false,
    bodyLimit: MAX_REPORT_BYTES,
    requestTimeout: 30_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // No schema is used (intake is plain code), but never let ajv coerce, fill in or strip.
    ajv: { customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false } },
  });
  const maxInFlight = o.maxInFlight ?? 256;
  const now = o.now ?? (() => new Date());
  let inFlight = 0;

  // The body reaches intake as raw bytes whatever its media type; intake decides.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES }, (_req, body, done) => done(null, body));

  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (req, reply, done) => {
    o.logger.log({ method: req.method, route: req.routeOptions.url ?? 'none', status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, reason: reasons.get(req) });
    done();
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refused(req, reply, 'too-large', '', `the body is larger than ${MAX_REPORT_BYTES} bytes`);
    if ((err.statusCode ?? 500) < 500) return refused(req, reply, 'bad-request', '', err.message);
    return problem(req, reply, { status: 500, code: 'internal', detail: 'the server failed; try again later' });
  });
  app.setNotFoundHandler((req, reply) => problem(req, reply, { status: 404, code: 'not-found', detail: 'no such resource' }));

  app.post('/upload/:week', async (req, reply) => {
    if (inFlight >= maxInFlight) return problem(req, reply, { status: 503, code: 'overloaded', detail: 'too many uploads at once; try again later' });
    inFlight++;
    try {
      const when = now();
      const checked = checkReport({
        body: (req.body as Buffer | undefined) ?? Buffer.alloc(0),
        contentType: req.headers['content-type'],
        pathWeek: (req.params as { week: string }).week,
        now: when,
        versions: o.versions.versions,
      });
      if (!checked.ok) return refused(req, reply, checked.refusal.code, checked.refusal.field, checked.refusal.reason);
      let result;
      try {
        result = await o.store.put({ ...checked.report, day: when.toISOString().slice(0, 10) });
      } catch (e) {
        o.logger.log({ event: 'store-error', error: (e as Error).message });
        return problem(req, reply, { status: 503, code: 'store-unavailable', detail: 'the report could not be stored; try again later' });
      }
      if (result === 'conflict') return refused(req, reply, 'conflict', '/X', `another report with Week ${checked.report.week} and X ${checked.report.x} was stored before`);
      reasons.set(req, result);
      return reply.code(200).type('application/json').send(JSON.stringify({ status: result }));
    } finally {
      inFlight--;
    }
  });

  app.get('/healthz', async (req, reply) => {
    const ok = o.versions.size > 0 && (await o.store.healthy());
    if (!ok) return problem(req, reply, { status: 503, code: 'unhealthy', detail: 'the store does not answer' });
    return reply.type('application/json').header('cache-control', 'no-store').send(JSON.stringify({ status: 'ok', configs: o.versions.versions.length }));
  });

  app.get('/config-log/*', async (req, reply) => serveLogFile(o.logDir, (req.params as { '*': string })['*'], req, reply));

  // ── The public pages and the daily merge go here: server/pages/index.ts registers /charts,
  // /data, /config, /privacy on `app` and starts the merge scheduler, through `o.extend`
  // (wired in server/serve/index.ts when the pages land). ──
  const stop = await o.extend?.(app, { store: o.store, versions: o.versions, publish: o.publish, logger: o.logger });

  return { app, stopExtension: async () => void (await stop?.()) };
}
