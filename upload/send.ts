// One POST of a report's exact bytes to `<url>/upload/<week>`: https (http only to loopback,
// checked by config's collectorBase), through the environment's proxy, no redirect followed,
// no cookie, only Host, Content-Type, Content-Length, Connection and the User-Agent, 10 s at
// most and never past the run's deadline. The answer decides the report's fate (§14's table).
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CLIENT_VERSION } from '../config/index.js';
import { proxyFor, TunnelAgent } from './proxy.js';
import { uploadPath } from './report.js';

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
  status: number, message = '', code: string | null = problemCode(message),
): Outcome {
  const said = message ? `: ${message}` : '';
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  if (status === 408 || status === 429 || status >= 500 || status < 400) return { kind: 'retry', status, reason: `http status ${status}${said}` };
  if (status === 400 && code === 'future') {
    const reason = `http status 400: the collector's clock is behind this machine's; `
      + `the report waits${said}`;
    return { kind: 'retry', status, reason };
  }
  return { kind: 'refused', status, reason: `http status ${status}${said}` };
}

/** The `code` of a problem document (RFC 9457, as telemetry-server answers), or null. */
function problemCode(text: string): string | null {
  try {
    const doc = JSON.parse(text) as unknown;
    const code = typeof doc === 'object' && doc !== null
      ? (doc as { code?: unknown }).code
      : undefined;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
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

/** An agent for the target: a CONNECT tunnel when a proxy applies, else a fresh connection. */
export function agentFor(target: URL, env: Record<string, string | undefined>): Agent | false {
  const proxy = proxyFor(target, env);
  return proxy && target.protocol === 'https:' ? new TunnelAgent(proxy) : false;
}

/** POSTs and classifies the answer; never rejects. */
export function postReport(o: PostOptions): Promise<Outcome> {
  const url = new URL(uploadPath(o.week), o.base);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  const wait = Math.min(POST_TIMEOUT_MS, o.deadline - Date.now());
  if (wait <= 0) return Promise.resolve({ kind: 'retry', reason: `${where}: the run's deadline passed before sending` });
  const body = Buffer.from(o.body, 'utf8');
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ kind: 'retry', reason: `${where}: no answer within ${wait} ms` }), wait);
    timer.unref();
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      agent: agentFor(url, o.env),
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, 'User-Agent': `transparent-telemetry/${CLIENT_VERSION}` },
    }, (res: IncomingMessage) => {
      // A short reason from the collector helps the user (status shows it); a problem document is
      // read whole (1 KB at most) for its code, and what is kept is one line of 200 characters.
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (text.length < 1024) text += c; });
      res.on('end', () => {
        const line = text.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 200);
        finish(classify(res.statusCode ?? 0, line, problemCode(text)));
      });
      res.on('error', () => finish(classify(res.statusCode ?? 0)));
    });
    req.on('error', (e) => finish({ kind: 'retry', reason: `${where}: ${e.message}` }));
    req.end(body);
  });
}
