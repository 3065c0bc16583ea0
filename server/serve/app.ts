// The HTTP app: POST /upload/<week> (strict intake), GET /healthz, GET /config-log/… (the
// config log as static files). Every refusal is a 400 problem document (RFC 9457) naming the
// field and the reason; overload and store trouble are 503 with Retry-After, never a 4xx, which
// Go's uploader (and ours) take as "drop this report". A 200 is sent only once the store has
// the report durably.
import { createServer } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_REPORT_BYTES } from '../../report/index.js';
import type { Store } from '../store/index.js';
import type { ConfigVersions } from './configs.js';
import type { Logger } from './log.js';
import {
  REQUEST_TIMEOUT_MS,
  answerExpectations,
  clientErrorAnswer,
  connectionsCheckingInterval,
  defaultMaxConnections,
  evictionLog,
  limitConnections,
  setTimeouts,
} from './connections.js';
import { serveLogFile } from './static.js';
import {
  type Answer,
  type Problem,
  RETRY_AFTER_SECONDS,
  UPLOAD_ROUTE,
  makeIntake,
  plainUploadWeek,
  problemAnswer,
  rawUpload,
  tooLarge,
} from './upload.js';

export { RETRY_AFTER_SECONDS };

/**
 * More routes and background work on the same app and store: the public pages and the hourly
 * merge (server/pages/). Called before the app listens; what it returns is run first on close.
 */
export type Extension = (
  app: FastifyInstance,
  context: {
    store: Store;
    versions: ConfigVersions;
    publish: 'raw' | 'aggregates';
    logger: Logger;
  },
) => Promise<(() => Promise<void>) | void>;

export interface AppOptions {
  extend?: Extension;
  store: Store;
  versions: ConfigVersions;
  logDir: string;
  publish: 'raw' | 'aggregates';
  logger: Logger;
  /** Open connections at most (connections.ts); defaultMaxConnections() when unset. */
  maxConnections?: number;
  /** Uploads being checked or stored at once; past this an upload gets 503 at once. */
  maxInFlight?: number;
  now?: () => Date;
}

const reasons = new WeakMap<FastifyRequest, string>();

function send(req: FastifyRequest, reply: FastifyReply, answer: Answer): FastifyReply {
  reasons.set(req, answer.reason);
  if (answer.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(answer.status).type(answer.type).send(answer.body);
}
const problem = (req: FastifyRequest, reply: FastifyReply, details: Problem): FastifyReply =>
  send(req, reply, problemAnswer(details));

export async function buildApp(
  options: AppOptions,
): Promise<{ app: FastifyInstance; stopExtension: () => Promise<void> }> {
  const { default: fastify } = await import('fastify');
  const now = options.now ?? (() => new Date());
  const intake = makeIntake({
    store: options.store,
    versions: options.versions,
    logger: options.logger,
    maxInFlight: options.maxInFlight ?? 256,
    now,
  });
  let closing = false;
  const app = fastify({
    logger: false,
    bodyLimit: MAX_REPORT_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    clientErrorHandler: clientErrorAnswer,
    // A path fastify's router cannot decode (`/%zz`): its own answer has no problem document.
    frameworkErrors: (err, req, reply) =>
      problem(req, reply, { status: 400, code: 'bad-url', field: 'path', detail: err.message }),
    // Closing is answered below with a problem document (fastify's own 503 has none).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // No schema is used (intake is plain code), but never let ajv coerce, fill in or strip.
    ajv: { customOptions: { coerceTypes: false, useDefaults: false, removeAdditional: false } },
    // A plain upload skips fastify's router (upload.ts says why); everything else goes through it.
    serverFactory: (handler) => {
      const raw = { intake, logger: options.logger, closing: () => closing };
      const server = createServer({ connectionsCheckingInterval }, (req, res) => {
        const week = plainUploadWeek(req);
        if (week === null) handler(req, res);
        else rawUpload(req, res, week, raw);
      });
      setTimeouts(server);
      const onEvict = evictionLog((fields) => options.logger.log(fields));
      limitConnections(server, options.maxConnections ?? defaultMaxConnections(), onEvict);
      answerExpectations(server);
      return server;
    },
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  // The body reaches intake as raw bytes whatever its media type; intake decides.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.addHook('onRequest', (req, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    problem(req, reply, {
      status: 503,
      code: 'stopping',
      detail: 'the server is stopping; try again later',
    });
  });

  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (req, reply, done) => {
    options.logger.log({
      method: req.method,
      route: req.routeOptions.url ?? 'none',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      reason: reasons.get(req),
    });
    done();
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(req, reply, tooLarge());
    if ((err.statusCode ?? 500) < 500)
      return problem(req, reply, {
        status: 400,
        code: 'bad-request',
        field: '',
        detail: err.message,
      });
    return problem(req, reply, {
      status: 500,
      code: 'internal',
      detail: 'the server failed; try again later',
    });
  });
  app.setNotFoundHandler((req, reply) =>
    problem(req, reply, { status: 404, code: 'not-found', detail: 'no such resource' }),
  );

  app.post(UPLOAD_ROUTE, async (req, reply) => {
    const answer = await intake(
      (req.body as Buffer | undefined) ?? Buffer.alloc(0),
      req.headers['content-type'],
      (req.params as { week: string }).week,
    );
    return send(req, reply, answer);
  });

  app.get('/healthz', async (req, reply) => {
    const ok = options.versions.size > 0 && (await options.store.healthy());
    if (!ok)
      return problem(req, reply, {
        status: 503,
        code: 'unhealthy',
        detail: 'the store does not answer',
      });
    return reply
      .type('application/json')
      .header('cache-control', 'no-store')
      .send(JSON.stringify({ status: 'ok', configs: options.versions.versions.length }));
  });

  app.get('/config-log/*', async (req, reply) =>
    serveLogFile(options.logDir, (req.params as { '*': string })['*'], req, reply),
  );

  // ── The public pages and the hourly merge go here: server/pages/index.ts registers /charts,
  // /data, /config, /privacy on `app` and starts the merge scheduler, through `options.extend`
  // (wired in server/serve/index.ts when the pages land). ──
  const stop = await options.extend?.(app, {
    store: options.store,
    versions: options.versions,
    publish: options.publish,
    logger: options.logger,
  });

  return { app, stopExtension: async () => void (await stop?.()) };
}
