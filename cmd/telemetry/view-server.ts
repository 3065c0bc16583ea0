// The HTTP side of `telemetry view`: three static files and /api/data, on loopback only.
// Nothing is cached: the count files are re-read on every request, since running tools keep
// writing to them while the page is open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Layout, decide, readPrograms } from '../../counter/settings/index.js';
import { programMarks } from '../../upload/index.js';
import { listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import { buildViewData, type ViewData } from './view-data.js';

export interface ViewServerOptions {
  dirs: Layout;
  /** 0 picks any free port. */
  port: number;
  /** Loopback by default; the page shows what a user counted, so it is never offered to the network. */
  host?: string;
  /** Folder holding index.html, style.css and app.js; defaults to the one beside the bundle. */
  assets?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ViewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Thrown when the port is taken, so the command can say so plainly. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(readonly port: number) {
    super(`port ${port} is in use`);
  }
}

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
};

// Everything the page loads comes from this server; the policy makes that a rule the browser enforces.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function defaultAssets(): string {
  return fileURLToPath(new URL('./view/', import.meta.url));
}

/** Everything the page needs, read fresh from disk. */
export function collectViewData(
  opts: Pick<ViewServerOptions, 'dirs' | 'env' | 'cwd'>,
  now: Date = new Date(),
): ViewData {
  const ask = (program: string) =>
    decide({ dirs: opts.dirs, program, env: opts.env, cwd: opts.cwd });
  return buildViewData({
    dir: opts.dirs.root,
    reads: listCountFiles(opts.dirs.localDir).map(readCountFile),
    // With no program name there is no per-program choice or variable: what is left is machine-wide.
    machine: ask(''),
    decide: ask,
    marks: (program, mode) =>
      programMarks(opts.dirs, program, readPrograms(opts.dirs).get(program), mode),
    now,
  });
}

export async function startViewServer(opts: ViewServerOptions): Promise<ViewServer> {
  const host = opts.host ?? '127.0.0.1';
  const assets = opts.assets ?? defaultAssets();
  const server = createServer((req, res) => {
    handle(req, res, opts, assets, port()).catch((err: Error) =>
      send(res, 500, 'text/plain; charset=utf-8', `error: ${err.message}\n`),
    );
  });
  await listen(server, opts.port, host);
  function port(): number {
    const a = server.address();
    return typeof a === 'object' && a ? a.port : opts.port;
  }
  const url = `http://${host}:${port()}/`;
  return { url, port: port(), close: () => close(server) };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: ViewServerOptions,
  assets: string,
  port: number,
): Promise<void> {
  // A page on another site could point a DNS name at 127.0.0.1 and read the data; only
  // requests addressed to loopback by name or number are answered.
  if (!allowedHost(req.headers.host, port))
    return send(res, 403, 'text/plain; charset=utf-8', 'error: unexpected Host header\n');
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'text/plain; charset=utf-8', 'error: method not allowed\n');
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/api/data')
    return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(collectViewData(opts)));
  if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
  const asset = ASSETS[path];
  if (!asset) return send(res, 404, 'text/plain; charset=utf-8', `error: ${path} not found\n`);
  send(res, 200, asset.type, await readFile(join(assets, asset.file)));
}

function allowedHost(header: string | undefined, port: number): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].some((host) => header === `${host}:${port}`);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port) : err),
    );
    server.listen(port, host, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    // The page polls with keep-alive; without this, close() would wait for those to time out.
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
