// Shared by the server's tests: a config log made with the toolkit's own log code, the built
// `telemetry-server serve` as a real process on 127.0.0.1, and uploads over real HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendToLog, generateKey } from '../../config/index.js';
import { tempDir } from '../helpers.js';
import { WAIT_LIMIT_MS } from '../wait.js';
import { BIN } from './bin.js';

export { BIN };
export const NAME = 'collector.test/config';

/** The config most tests publish: a Node tool, and a Go program like Go's uploader reports. */
export const CONFIG = {
  GOOS: ['darwin', 'linux', 'win32'],
  GOARCH: ['arm64', 'x64', 'amd64'],
  GoVersion: ['node>=20', 'go1.26.0'],
  SampleRate: 1,
  Programs: [
    {
      Name: 'demo-tool',
      Versions: ['>=1.0.0 <2'],
      Counters: [
        { Name: 'demo-tool/invocations', Rate: 1 },
        { Name: 'demo-tool/flag:{shout,twice}', Rate: 1 },
        { Name: 'demo-tool/rare', Rate: 0.1 },
      ],
      Stacks: [{ Name: 'demo-tool/error', Rate: 1, Depth: 4 }],
    },
  ],
};

/** A log directory holding `configs` in order (entry i is config version v<i>). */
export function makeLog(configs: object[] = [CONFIG]): string {
  return makeKeyedLog(configs).dir;
}

/** The same, with its keys, to publish more or to verify as a client does. */
export function makeKeyedLog(configs: object[] = [CONFIG]): {
  dir: string;
  signer: string;
  verifier: string;
  publish: (child: object) => void;
} {
  const dir = tempDir('tt-log-');
  const { signer, verifier } = generateKey(NAME);
  const publish = (child: object): void =>
    void appendToLog(
      dir,
      [new TextEncoder().encode(JSON.stringify(child, null, '\t'))],
      signer,
      NAME,
    );
  appendToLog(
    dir,
    configs.map((config) => new TextEncoder().encode(JSON.stringify(config, null, '\t'))),
    signer,
    NAME,
  );
  return { dir, signer, verifier, publish };
}

export const day = (offsetDays: number): string =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export function program(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Program: 'demo-tool',
    Version: '1.2.3',
    GoVersion: 'node20.20.2',
    GOOS: 'linux',
    GOARCH: 'x64',
    Counters: { 'demo-tool/invocations': 3 },
    Stacks: {},
    ...extra,
  };
}

export function report(
  week: string,
  x: number | string,
  programs: unknown[] | null = [program()],
  extra: Record<string, unknown> = {},
): string {
  const body = JSON.stringify({
    Week: week,
    LastWeek: '',
    X: 0.5,
    Programs: programs,
    Config: 'v0',
    ...extra,
  });
  return body.replace('"X":0.5', `"X":${x}`);
}

export interface Served {
  url: string;
  proc: ChildProcess;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** `ulimitFiles`: the server runs under `ulimit -n <n>` (through bash, as an operator would set it). */
export function serve(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { ulimitFiles?: number } = {},
): Promise<Served> {
  const argv = [BIN, 'serve', '--port', '0', ...args];
  const [cmd, cmdArgs] =
    options.ulimitFiles === undefined
      ? [process.execPath, argv]
      : [
          'bash',
          ['-c', `ulimit -n ${options.ulimitFiles} && exec "$0" "$@"`, process.execPath, ...argv],
        ];
  const proc = spawn(cmd, cmdArgs, {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  proc.stderr!.on('data', (chunk) => (err += chunk));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          proc,
          stderr: () => err,
          stop: (signal = 'SIGTERM') => (proc.kill(signal), exited),
        });
    });
    void exited.then((code) =>
      reject(new Error(`serve exited with ${code} before listening: ${err}`)),
    );
  });
}

export interface Answer {
  status: number;
  body: string;
  json: Record<string, unknown> | null;
  headers: Headers;
}

export async function post(
  url: string,
  path: string,
  body: string | Uint8Array,
  contentType: string | null = 'application/json',
): Promise<Answer> {
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    body: body as BodyInit,
    headers: contentType === null ? {} : { 'content-type': contentType },
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, body: text, json, headers: r.headers };
}

export const upload = (
  url: string,
  week: string,
  body: string | Uint8Array,
  contentType?: string | null,
): Promise<Answer> => post(url, `/upload/${week}`, body, contentType);

/** Resolves once the server has logged `n` answers of 200: a kill then lands mid-load on any machine. */
export function afterAcks(served: Served, count: number): Promise<void> {
  const acks = (log: string): number => (log.match(/"status":200/g) ?? []).length;
  return untilLogged(served, (log) => acks(log) >= count, `${count} answers of 200`);
}

/**
 * Resolves once the server's log satisfies `check`, woken by each chunk the server writes to
 * stderr (its log lines trail their answers); rejects if the server exits first, or at
 * WAIT_LIMIT_MS, a failure bound only.
 */
export function untilLogged(
  served: Served,
  check: RegExp | ((log: string) => boolean),
  what = String(check),
): Promise<void> {
  const holds = (): boolean =>
    typeof check === 'function' ? check(served.stderr()) : check.test(served.stderr());
  if (holds()) return Promise.resolve();
  const stream = served.proc.stderr!;
  return new Promise((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearTimeout(limit);
      stream.off('data', onData);
      served.proc.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    // serve() listens first, so by the time this runs served.stderr() holds the new chunk.
    const onData = (): void => {
      if (holds()) finish();
    };
    const onClose = (): void =>
      finish(holds() ? undefined : new Error(`the server exited before logging ${what}`));
    const limit = setTimeout(
      () => finish(new Error(`gave up waiting for the server to log ${what}`)),
      WAIT_LIMIT_MS,
    );
    stream.on('data', onData);
    served.proc.on('close', onClose);
  });
}
