// One POST of a report's exact bytes to `<url>/upload/<week>`: https (http only to loopback,
// checked by config's collectorBase), through the environment's proxy, no redirect followed,
// no cookie, only Host, Content-Type, Content-Length, Connection and the User-Agent, 10 s at
// most and never past the run's deadline. The status line decides the report's fate (docs/upload.md's
// table); of a refusal's body only the first bytes are read, then the connection is closed.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CLIENT_VERSION } from '../config/index.js';
import { agentFor } from './tunnel.js';
import { printableLine } from '../safeio/index.js';
import { uploadPath } from '../report/index.js';

export const POST_TIMEOUT_MS = 10_000;

export type Outcome =
  | { kind: 'sent'; status: number }
  | { kind: 'refused'; status: number; reason: string }
  | { kind: 'retry'; status?: number; reason: string };

/**
 * The retry table: 2xx sent; 408, 429, 5xx (and 1xx/3xx: nothing is followed) kept; every other
 * 4xx never, except our collector's 400 `future`: its clock is behind this machine's, and the
 * same report becomes valid there within days, so it waits rather than being lost for good.
 */
export function classify(
  status: number,
  message = '',
  code: string | null = problemCode(message),
): Outcome {
  const said = message ? `: ${message}` : '';
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  if (status === 408 || status === 429 || status >= 500 || status < 400)
    return { kind: 'retry', status, reason: `http status ${status}${said}` };
  if (status === 400 && code === 'future') {
    const reason =
      `http status 400: the collector's clock is behind this machine's; ` +
      `the report waits${said}`;
    return { kind: 'retry', status, reason };
  }
  return { kind: 'refused', status, reason: `http status ${status}${said}` };
}

/** The `code` of a problem document (RFC 9457, as telemetry-server answers), or null. */
function problemCode(text: string): string | null {
  try {
    const doc = JSON.parse(text) as unknown;
    const code =
      typeof doc === 'object' && doc !== null ? (doc as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? code : null;
  } catch {
    // Only the first MAX_REASON_BYTES are read: a long document is cut, its code may remain.
    return /"code"\s*:\s*"([a-z-]{1,40})"/.exec(text)?.[1] ?? null;
  }
}

export interface PostOptions {
  base: URL;
  week: string;
  body: string;
  env: Record<string, string | undefined>;
  /** Epoch ms: the request is aborted then, whatever its own timeout. */
  deadline: number;
}

/** At most this much of a refusal's body is read (then the connection is closed), and shown. */
export const MAX_REASON_BYTES = 512;
const MAX_REASON_CHARS = 200;
/** A refusal whose first bytes trickle slower than this is classified with what came. */
const REASON_WAIT_MS = 2_000;

/**
 * The first bytes of a refusal's body, as text: at most MAX_REASON_BYTES, within REASON_WAIT_MS;
 * `done` is called once, and the caller closes the connection (a body that never ends or is
 * 10 GB is never read).
 */
function readReason(res: IncomingMessage, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let called = false;
  const end = (): void => {
    if (called) return;
    called = true;
    clearTimeout(timer);
    done(Buffer.concat(chunks).subarray(0, MAX_REASON_BYTES).toString('utf8'));
  };
  const timer = setTimeout(end, REASON_WAIT_MS);
  timer.unref();
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_REASON_BYTES) end();
  });
  res.on('end', end);
  res.on('error', end);
  res.on('close', end);
}

/** POSTs and classifies the answer; never rejects. */
export function postReport(options: PostOptions): Promise<Outcome> {
  const url = new URL(uploadPath(options.week), options.base);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  const wait = Math.min(POST_TIMEOUT_MS, options.deadline - Date.now());
  if (wait <= 0)
    return Promise.resolve({
      kind: 'retry',
      reason: `${where}: the run's deadline passed before sending`,
    });
  const body = Buffer.from(options.body, 'utf8');
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ kind: 'retry', reason: `${where}: no answer within ${wait} ms` }),
      wait,
    );
    timer.unref();
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        agent: agentFor(url, options.env),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          'User-Agent': `transparent-telemetry/${CLIENT_VERSION}`,
        },
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        // The status line decides; the body of a success is not read at all.
        if (status >= 200 && status < 300) return finish(classify(status));
        // Decided too: the refusal's reason has its own short wait, not what is left of the POST's.
        clearTimeout(timer);
        readReason(res, (text) =>
          finish(classify(status, printableLine(text, MAX_REASON_CHARS), problemCode(text))),
        );
      },
    );
    req.on('error', (err) => finish({ kind: 'retry', reason: `${where}: ${err.message}` }));
    req.end(body);
  });
}
