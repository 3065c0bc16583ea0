// The server's connections, bounded (docs/collector-limits.md). A listening socket that
// anyone can open must not let idle or slow connections use up the process's descriptors, or
// the next legitimate upload (and the store's own files) find none:
// - at most `max` open connections; one more evicts the connection idle longest (no request
//   in progress), or, with none idle, is answered 503 and closed;
// - tight timeouts: headers within HEADERS_TIMEOUT_MS, the whole request within
//   REQUEST_TIMEOUT_MS, an idle keep-alive connection closed after KEEP_ALIVE_TIMEOUT_MS, and at
//   most MAX_REQUESTS_PER_SOCKET requests on one connection;
// - `Expect: 100-continue` is answered before any body is invited: 413 when Content-Length is
//   over the limit, 417 for any other expectation;
// - every refusal the server makes at this level carries a problem document (RFC 9457),
//   including the errors Node's HTTP parser reports through `clientError`.
import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { MAX_REPORT_BYTES } from '../../report/index.js';
import { type Answer, type Problem, problemAnswer } from './upload.js';

export const DEFAULT_MAX_CONNECTIONS = 1024;
/** Descriptors kept for everything but client connections: the store, the log, the worker. */
export const RESERVED_FDS = 64;

/**
 * DEFAULT_MAX_CONNECTIONS, or fewer when the process may open fewer files (`ulimit -n`, read
 * from /proc/self/limits where Linux has it): past that limit `accept` fails with EMFILE and
 * no one, legitimate or not, gets an answer, and the store cannot open its files.
 */
export function defaultMaxConnections(limits = '/proc/self/limits'): number {
  let text = '';
  try {
    text = readFileSync(limits, 'utf8');
  } catch {
    return DEFAULT_MAX_CONNECTIONS;
  }
  const soft = Number(/^Max open files\s+(\d+)/m.exec(text)?.[1]);
  if (!Number.isSafeInteger(soft) || soft <= 0) return DEFAULT_MAX_CONNECTIONS;
  return Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, soft - RESERVED_FDS));
}
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
export const MAX_REQUESTS_PER_SOCKET = 1000;
/** How often Node looks for connections past their header or request timeout. */
const CHECK_INTERVAL_MS = 1_000;

/** Raw HTTP/1.1 bytes of an answer, for a socket no response object exists for. */
export function rawAnswer(answer: Answer): string {
  const body = Buffer.from(answer.body);
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    `Content-Type: ${answer.type}`,
    `Content-Length: ${body.length}`,
    ...(answer.status === 503 ? ['Retry-After: 5'] : []),
    'Connection: close',
  ];
  return `${head.join('\r\n')}\r\n\r\n${answer.body}`;
}

/** The timeouts above, set on a server made with `createServer` (their defaults are minutes). */
export function setTimeouts(server: Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
}

export const connectionsCheckingInterval = CHECK_INTERVAL_MS;

/**
 * Keeps at most `max` connections open. Node's own `maxConnections` closes the newest one,
 * so a flood of idle connections would shut every later client out; here the idle ones go
 * first, oldest first.
 */
export function limitConnections(
  server: Server,
  max: number,
  onEvict: (why: 'idle' | 'full') => void,
): void {
  const idle = new Set<Socket>(); // insertion order: the first is idle longest
  const busy = new Map<Socket, number>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => {
      open--;
      idle.delete(socket);
      busy.delete(socket);
    });
    if (open > max) {
      const oldest = idle.values().next();
      if (!oldest.done) {
        idle.delete(oldest.value);
        oldest.value.destroy();
        onEvict('idle');
      } else {
        onEvict('full');
        const detail = `the server holds its most connections (${max}); try again later`;
        socket.end(rawAnswer(problemAnswer({ status: 503, code: 'too-many-connections', detail })));
        return;
      }
    }
    idle.add(socket);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    idle.delete(socket);
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) return void busy.set(socket, left);
      busy.delete(socket);
      if (!socket.destroyed) idle.add(socket);
    });
  });
}

/**
 * `Expect: 100-continue`: Node asks before inviting the body. Over the limit, 413 at once and
 * the connection closed, so the body is never sent; otherwise the invitation and the request.
 */
export function answerExpectations(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > MAX_REPORT_BYTES) {
      const detail = `is over the limit of ${MAX_REPORT_BYTES} bytes`;
      const problem = { status: 413, code: 'too-large', field: 'Content-Length', detail };
      return send(res, problemAnswer(problem));
    }
    res.writeContinue();
    server.emit('request', req, res); // what Node does when no one listens for checkContinue
  });
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const detail = 'only 100-continue is understood';
    send(res, problemAnswer({ status: 417, code: 'expectation-failed', field: 'Expect', detail }));
  });
}

function send(res: ServerResponse, answer: Answer): void {
  const length = Buffer.byteLength(answer.body);
  const headers = { 'content-type': answer.type, 'content-length': length, connection: 'close' };
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** What node:http's parser reports before any route runs: a problem document, then closed. */
export function clientErrorAnswer(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    socket.write(rawAnswer(problemAnswer(parserProblem(err.code))));
  }
  socket.destroy();
}

function parserProblem(code: string | undefined): Problem {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'timeout', detail: 'the request did not arrive in time' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code: 'headers-too-large', detail: 'the request headers are too large' };
  }
  const detail = `the request is not valid HTTP/1.1 (${code ?? 'parse error'})`;
  return { status: 400, code: 'bad-http', detail };
}

/**
 * The eviction log, bounded: the first eviction is logged at once, later ones summed into at
 * most one line per `everyMs` (a flood of connections must not become a flood of log lines).
 */
export function evictionLog(
  log: (fields: { event: string; idle: number; full: number }) => void,
  everyMs = 10_000,
): (why: 'idle' | 'full') => void {
  const counts = { idle: 0, full: 0 };
  let timer: NodeJS.Timeout | null = null;
  let last = -Infinity;
  const flush = (): void => {
    timer = null;
    last = Date.now();
    log({ event: 'connections-evicted', idle: counts.idle, full: counts.full });
    counts.idle = 0;
    counts.full = 0;
  };
  return (why) => {
    counts[why]++;
    if (timer) return;
    const wait = last + everyMs - Date.now();
    if (wait <= 0) return flush();
    timer = setTimeout(flush, wait);
    timer.unref();
  };
}
