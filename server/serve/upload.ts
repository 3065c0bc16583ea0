// POST /upload/<week>: the intake route. Its answers are plain data (`Answer`), so the same code
// serves two doors: fastify's route, and `rawUpload`, which node:http calls ahead of fastify's
// router for the plain path (a week with no `%`, `/` or query surprises). Fastify's per-request
// machinery (router, request and reply objects, hooks, body parser) cost ~40 µs of CPU per
// report here, as much as the strict check itself (bench/README.md); the raw door reads the
// body, answers and logs the same way. Anything unusual goes to fastify, which answers as before.
import { type IncomingMessage, STATUS_CODES, type ServerResponse } from 'node:http';
import { MAX_REPORT_BYTES } from '../../report/index.js';
import type { Store } from '../store/index.js';
import type { ConfigVersions } from './configs.js';
import { checkReport, dayOf } from './intake.js';
import type { Logger } from './log.js';

export const RETRY_AFTER_SECONDS = 5;
export const UPLOAD_ROUTE = '/upload/:week';
/** find-my-way's default: a longer parameter is not matched (fastify answers 404). */
const MAX_PARAM_LENGTH = 100;

export interface Problem { status: number; code: string; field?: string; detail: string }
export interface Answer { status: number; type: string; body: string; reason: string }

/** With type about:blank, RFC 9457 §4.2.1 asks for the status phrase as the title. */
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export function problemAnswer(p: Problem): Answer {
  const doc = { type: 'about:blank', title: STATUS_CODES[p.status], status: p.status, detail: p.field ? `${p.field}: ${p.detail}` : p.detail, code: p.code, ...(p.field !== undefined ? { field: p.field } : {}) };
  return { status: p.status, type: PROBLEM_TYPE, body: JSON.stringify(doc), reason: p.code };
}
export const tooLarge = (): Answer => problemAnswer({ status: 400, code: 'too-large', field: '', detail: `the body is larger than ${MAX_REPORT_BYTES} bytes` });
const internal = (): Answer => problemAnswer({ status: 500, code: 'internal', detail: 'the server failed; try again later' });

export interface IntakeOptions {
  store: Store;
  versions: ConfigVersions;
  logger: Logger;
  maxInFlight: number;
  now: () => Date;
}

export type Intake = (body: Uint8Array, contentType: string | undefined, week: string) => Promise<Answer>;

/** Check, store, answer: 200 only once the store has the report durably; overload is a 503. */
export function makeIntake(o: IntakeOptions): Intake {
  let inFlight = 0;
  return async (body, contentType, pathWeek) => {
    if (inFlight >= o.maxInFlight) return problemAnswer({ status: 503, code: 'overloaded', detail: 'too many uploads at once; try again later' });
    inFlight++;
    try {
      const when = o.now();
      const checked = checkReport({ body, contentType, pathWeek, now: when, versions: o.versions.versions });
      if (!checked.ok) return problemAnswer({ status: 400, ...checked.refusal, detail: checked.refusal.reason });
      let result;
      try {
        const { week, x, body: text } = checked.report;
        result = await o.store.put({ week, x, body: text, day: dayOf(when.getTime()) });
      } catch (e) {
        o.logger.log({ event: 'store-error', error: (e as Error).message });
        return problemAnswer({ status: 503, code: 'store-unavailable', detail: 'the report could not be stored; try again later' });
      }
      if (result === 'conflict') return problemAnswer({ status: 400, code: 'conflict', field: '/X', detail: `another report with Week ${checked.report.week} and X ${checked.report.x} was stored before` });
      return { status: 200, type: JSON_TYPE, body: `{"status":"${result}"}`, reason: result };
    } finally {
      inFlight--;
    }
  };
}

/** The `<week>` of a plain `POST /upload/<week>` the raw door takes, or null: fastify decides. */
export function plainUploadWeek(req: IncomingMessage): string | null {
  const url = req.url ?? '';
  if (req.method !== 'POST' || !url.startsWith('/upload/')) return null;
  const week = url.slice('/upload/'.length);
  if (week === '' || week.length > MAX_PARAM_LENGTH || /[/?%#;]/.test(week)) return null;
  return week;
}

export interface RawOptions {
  intake: Intake;
  logger: Logger;
  /** True once the server is stopping: answer 503 and close the connection. */
  closing: () => boolean;
}

/** The raw door: reads the body (at most MAX_REPORT_BYTES), answers as fastify's route would. */
export function rawUpload(req: IncomingMessage, res: ServerResponse, week: string, o: RawOptions): void {
  const started = performance.now();
  const answer = (a: Answer, close = false): void => {
    if (res.headersSent) return;
    const headers: Record<string, string | number> = { 'content-type': a.type, 'content-length': Buffer.byteLength(a.body) };
    if (a.status === 503) headers['retry-after'] = RETRY_AFTER_SECONDS;
    if (close || o.closing()) headers.connection = 'close';
    res.writeHead(a.status, headers);
    res.end(a.body);
    o.logger.log({ method: 'POST', route: UPLOAD_ROUTE, status: a.status, ms: Math.round((performance.now() - started) * 100) / 100, reason: a.reason });
  };
  if (o.closing()) return answer(problemAnswer({ status: 503, code: 'stopping', detail: 'the server is stopping; try again later' }), true);
  // Past the limit, stop reading: the answer closes the connection, so the rest is never read.
  if (Number(req.headers['content-length']) > MAX_REPORT_BYTES) return answer(tooLarge(), true);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (c: Buffer) => {
    if (over) return;
    size += c.length;
    if (size > MAX_REPORT_BYTES) {
      over = true;
      answer(tooLarge(), true);
    } else chunks.push(c);
  });
  req.on('end', () => {
    if (over) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    o.intake(body, req.headers['content-type'], week)
      .then(answer)
      .catch(() => answer(internal()))
      .catch(() => res.destroy()); // never an unhandled rejection
  });
}
