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

export interface Problem {
  status: number;
  code: string;
  field?: string;
  detail: string;
}
export interface Answer {
  status: number;
  type: string;
  body: string;
  reason: string;
}

/** With type about:blank, RFC 9457 §4.2.1 asks for the status phrase as the title. */
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

export function problemAnswer(problem: Problem): Answer {
  const { status, code, field, detail } = problem;
  const doc = {
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    detail: field ? `${field}: ${detail}` : detail,
    code,
    ...(field !== undefined ? { field } : {}),
  };
  return { status, type: PROBLEM_TYPE, body: JSON.stringify(doc), reason: code };
}
export const tooLarge = (): Answer =>
  problemAnswer({
    status: 400,
    code: 'too-large',
    field: '',
    detail: `the body is larger than ${MAX_REPORT_BYTES} bytes`,
  });
const internal = (): Answer =>
  problemAnswer({ status: 500, code: 'internal', detail: 'the server failed; try again later' });

/** The two answers of an accepted upload, made once (with their headers: rawUpload's answer). */
const accepted = (reason: 'stored' | 'duplicate'): Answer => ({
  status: 200,
  type: JSON_TYPE,
  body: `{"status":"${reason}"}`,
  reason,
});
const STORED = accepted('stored');
const DUPLICATE = accepted('duplicate');
const plainHeaders = new WeakMap<Answer, Record<string, string | number>>();
for (const answer of [STORED, DUPLICATE])
  plainHeaders.set(answer, {
    'content-type': answer.type,
    'content-length': Buffer.byteLength(answer.body),
  });

export interface IntakeOptions {
  store: Store;
  versions: ConfigVersions;
  logger: Logger;
  maxInFlight: number;
  now: () => Date;
}

export type Intake = (
  body: Uint8Array,
  contentType: string | undefined,
  week: string,
) => Promise<Answer>;

/** Check, store, answer: 200 only once the store has the report durably; overload is a 503. */
export function makeIntake(options: IntakeOptions): Intake {
  let inFlight = 0;
  return async (body, contentType, pathWeek) => {
    if (inFlight >= options.maxInFlight)
      return problemAnswer({
        status: 503,
        code: 'overloaded',
        detail: 'too many uploads at once; try again later',
      });
    inFlight++;
    try {
      const when = options.now();
      const checked = checkReport({
        body,
        contentType,
        pathWeek,
        now: when,
        versions: options.versions.versions,
      });
      if (!checked.ok)
        return problemAnswer({ status: 400, ...checked.refusal, detail: checked.refusal.reason });
      let result;
      try {
        const { week, x, body: text } = checked.report;
        result = await options.store.put({ week, x, body: text, day: dayOf(when.getTime()) });
      } catch (error) {
        options.logger.log({ event: 'store-error', error: (error as Error).message });
        return problemAnswer({
          status: 503,
          code: 'store-unavailable',
          detail: 'the report could not be stored; try again later',
        });
      }
      if (result === 'conflict')
        return problemAnswer({
          status: 400,
          code: 'conflict',
          field: '/X',
          detail: `another report with Week ${checked.report.week} and X ${checked.report.x} was stored before`,
        });
      return result === 'stored' ? STORED : DUPLICATE;
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
export function rawUpload(
  req: IncomingMessage,
  res: ServerResponse,
  week: string,
  options: RawOptions,
): void {
  const started = performance.now();
  const answer = (reply: Answer, close = false): void => {
    if (res.headersSent) return;
    const closes = close || options.closing();
    let headers = closes ? undefined : plainHeaders.get(reply);
    if (!headers) {
      headers = { 'content-type': reply.type, 'content-length': Buffer.byteLength(reply.body) };
      if (reply.status === 503) headers['retry-after'] = RETRY_AFTER_SECONDS;
      if (closes) headers.connection = 'close';
    }
    res.writeHead(reply.status, headers);
    res.end(reply.body);
    options.logger.log({
      method: 'POST',
      route: UPLOAD_ROUTE,
      status: reply.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      reason: reply.reason,
    });
  };
  if (options.closing())
    return answer(
      problemAnswer({
        status: 503,
        code: 'stopping',
        detail: 'the server is stopping; try again later',
      }),
      true,
    );
  // Past the limit, stop reading: the answer closes the connection, so the rest is never read.
  if (Number(req.headers['content-length']) > MAX_REPORT_BYTES) return answer(tooLarge(), true);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > MAX_REPORT_BYTES) {
      over = true;
      answer(tooLarge(), true);
    } else chunks.push(chunk);
  });
  req.on('end', () => {
    if (over) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    options
      .intake(body, req.headers['content-type'], week)
      .then(answer)
      .catch(() => answer(internal()))
      .catch(() => res.destroy()); // never an unhandled rejection
  });
}
