// A real collector for tests: node:http on 127.0.0.1 serving a signed config log (written by
// config's appendToLog) at /<name>/config-log/ and capturing every POST /<name>/upload/<week>
// body byte for byte. `answer` picks each POST's status.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendToLog, generateKey, type UploadConfig } from '../../config/index.js';
import { tempDir } from '../helpers.js';
import { WAIT_LIMIT_MS } from '../wait.js';

export interface Post {
  path: string;
  week: string;
  body: Buffer;
  headers: IncomingHttpHeaders;
  raw: string[];
}

export interface TestCollector {
  url: string;
  key: string;
  posts: Post[];
  gets: string[];
  /** Status for the next POSTs; default 200. */
  answer: (week: string) => number;
  /** The body and its media type for an answer that is not 200; default `status <n>` as text. */
  problem?: ((week: string) => { type: string; body: string }) | undefined;
  /** When set, writes the whole answer to the next POSTs itself (a body that never ends, …). */
  respond: ((week: string, res: ServerResponse) => void) | null;
  publish(config: UploadConfig | object): void;
  /** The config log's directory, as served under `<url>/config-log/`. */
  logDir: string;
  /** Resolves once `count` POSTs have arrived, woken by each; rejects at WAIT_LIMIT_MS. */
  untilPosts(count: number): Promise<void>;
  close(): Promise<void>;
}

/** With `tls`, an https server whose URL names `tls.host` (a proxy or the test maps it to 127.0.0.1). */
export async function startCollector(
  name = 'c',
  seed = 7,
  tls?: { key: Buffer; cert: Buffer; host: string },
): Promise<TestCollector> {
  const origin = `collector.test/${name}`;
  const { signer, verifier } = generateKey(origin, new Uint8Array(32).fill(seed));
  const log = tempDir('tt-upload-log-');
  mkdirSync(log, { recursive: true });
  const posts: Post[] = [];
  const gets: string[] = [];
  const t: Partial<TestCollector> = { posts, gets, answer: () => 200, respond: null };
  /** Called after each POST arrives: the pending untilPosts checks. */
  const onPost = new Set<() => void>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const week = url.slice(url.lastIndexOf('/') + 1);
        posts.push({
          path: url,
          week,
          body: Buffer.concat(chunks),
          headers: req.headers,
          raw: req.rawHeaders,
        });
        for (const wake of onPost) wake();
        if (t.respond) return t.respond(week, res);
        const status = t.answer!(week);
        const problem = status === 200 ? undefined : t.problem?.(week);
        if (problem) res.writeHead(status, { 'Content-Type': problem.type }).end(problem.body);
        else res.writeHead(status).end(status === 200 ? 'ok' : `status ${status}`);
      });
      return;
    }
    gets.push(url);
    const prefix = `/${name}/config-log/`;
    const path = url.startsWith(prefix) ? url.slice(prefix.length) : '';
    const file = join(log, path);
    if (!path || path.includes('..') || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(file));
  };
  const server: Server = tls
    ? (createHttpsServer({ key: tls.key, cert: tls.cert }, handler) as unknown as Server)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(t, {
    url: tls ? `https://${tls.host}:${port}/${name}` : `http://127.0.0.1:${port}/${name}`,
    key: verifier,
    logDir: log,
    untilPosts: (count: number) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (posts.length < count) return;
          clearTimeout(limit);
          onPost.delete(check);
          resolve();
        };
        const limit = setTimeout(() => {
          onPost.delete(check);
          reject(new Error(`gave up waiting for ${count} uploads to ${origin}`));
        }, WAIT_LIMIT_MS);
        onPost.add(check);
        check();
      }),
    publish: (config: object) =>
      void appendToLog(log, [Buffer.from(JSON.stringify(config))], signer, origin),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  }) as TestCollector;
}

/** A config allowing `program` (any 1.x version, node20–24 on linux/darwin x64/arm64). */
export function configFor(
  programs: string[],
  extra: {
    counters?: { Name: string; Rate: number }[];
    stacks?: { Name: string; Rate: number; Depth: number }[];
    sampleRate?: number;
  } = {},
): object {
  return {
    GOOS: ['darwin', 'linux'],
    GOARCH: ['arm64', 'x64'],
    GoVersion: ['node>=20'],
    SampleRate: extra.sampleRate ?? 1,
    Programs: programs.map((Name) => ({
      Name,
      Versions: ['>=1.0.0 <2'],
      Counters: extra.counters ?? [{ Name: `${Name}/known`, Rate: 1 }],
      Stacks: extra.stacks ?? [],
    })),
  };
}

export function readBody(file: string): Buffer {
  return readFileSync(file);
}
