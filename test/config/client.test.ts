// config/client.ts against a real HTTP server on 127.0.0.1 serving log directories written by
// appendToLog: first use, then a second publish verified by consistency; every kind of tampering,
// rollback, fork, oversized, cut-short, slow and insecure answers refused with its own code, and
// the trusted checkpoint left byte for byte as it was.
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientError, fetchVerifiedConfig, trustedCheckpointFile } from '../../config/client.js';
import { generateKey, parseVerifier } from '../../config/tlog/keys.js';
import { appendToLog } from '../../config/log.js';
import { parseConfig } from '../../config/schema.js';
import { tempDir } from '../helpers.js';

const ORIGIN = 'collector.example/config';
const { signer, verifier } = generateKey(ORIGIN, new Uint8Array(32).fill(3));
const config1 = readFileSync(join(__dirname, '../../examples/collection-config.json'));
const v2 = { ...(JSON.parse(config1.toString()) as object), SampleRate: 0.5 };
const config2 = Buffer.from(JSON.stringify(v2));

// What the server does: serve `dir`, or let `hook` answer a path first.
let dir = '';
let hook: ((path: string, res: ServerResponse) => boolean) | undefined;
const seen: { url: string; headers: IncomingHttpHeaders; raw: string[] }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers, raw: req.rawHeaders });
    const path = (req.url ?? '').replace(/^\/c\/config-log\//, '');
    if (hook?.(path, res)) return;
    const file = join(dir, path);
    if (!path || path.includes('..') || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/c`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// log1: the example config; log2: then the second version. Fresh copies per test.
const log1 = tempDir('tt-client-log-');
const log2 = tempDir('tt-client-log-');
appendToLog(log1, [config1], signer, ORIGIN);
cpSync(log1, log2, { recursive: true });
appendToLog(log2, [config2], signer, ORIGIN);
const copy = (src: string): string => {
  const d = tempDir('tt-client-served-');
  cpSync(src, d, { recursive: true });
  return d;
};
const other = (entries: Buffer[]): string => {
  const d = tempDir('tt-client-fork-');
  appendToLog(d, entries, signer, ORIGIN);
  return d;
};

let state = '';
const stateFile = (): string => trustedCheckpointFile(state, parseVerifier(verifier));
const fetchIt = (extra: Partial<Parameters<typeof fetchVerifiedConfig>[0]> = {}) =>
  fetchVerifiedConfig({ url: base, key: verifier, stateDir: state, ...extra });
async function refused(
  extra: Partial<Parameters<typeof fetchVerifiedConfig>[0]> = {},
): Promise<ClientError> {
  try {
    await fetchIt(extra);
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('fetchVerifiedConfig accepted it');
}
/** Trusts `src`'s checkpoint (a real fetch), then serves `served`. */
async function trustThenServe(src: string, served: string): Promise<string> {
  dir = src;
  await fetchIt();
  dir = served;
  return readFileSync(stateFile(), 'utf8');
}
const flip = (file: string, offset: (bytes: Buffer) => number): void => {
  const b = readFileSync(file);
  b[offset(b)]! ^= 0x01;
  writeFileSync(file, b);
};

beforeEach(() => {
  state = tempDir('tt-client-state-');
  hook = undefined;
  seen.length = 0;
});

describe('fetchVerifiedConfig', () => {
  it('trusts the pinned key on first use, then verifies consistency to the newer config', async () => {
    dir = log1;
    const a = await fetchIt();
    expect(a.index).toBe(0);
    expect(a.config).toEqual(parseConfig(config1));
    expect(readFileSync(stateFile(), 'utf8')).toBe(readFileSync(join(log1, 'checkpoint'), 'utf8'));
    expect(readdirSync(state)).toHaveLength(1);
    dir = log2;
    const b = await fetchIt();
    expect([b.index, b.checkpoint.size, b.config.SampleRate]).toEqual([1, 2, 0.5]);
    expect(readFileSync(stateFile(), 'utf8')).toBe(readFileSync(join(log2, 'checkpoint'), 'utf8'));
    expect(seen.map((request) => request.url)).toEqual([
      '/c/config-log/checkpoint',
      '/c/config-log/tile/entries/000.p/1',
      '/c/config-log/checkpoint',
      '/c/config-log/tile/0/000.p/2',
      '/c/config-log/tile/entries/000.p/2',
    ]);
    for (const s of seen) {
      expect(Object.keys(s.headers).sort()).toEqual(['connection', 'host', 'user-agent']);
      expect(s.headers['user-agent']).toBe('transparent-telemetry/0.1.0');
      expect(s.headers.connection).toBe('close');
    }
    // The same size again: equal roots, nothing changes.
    expect((await fetchIt({ version: '9.9.9' })).index).toBe(1);
    expect(seen.at(-1)!.headers['user-agent']).toBe('transparent-telemetry/9.9.9');
  });

  const cases: [
    string,
    string,
    (dir: string) => void,
    Partial<Parameters<typeof fetchVerifiedConfig>[0]>?,
  ][] = [
    [
      'a flipped byte in the served config entry',
      'ETAMPERED',
      (dir) => flip(join(dir, 'tile/entries/000.p/2'), (bytes) => bytes.length - 5),
    ],
    ['a flipped byte in a tile', 'ETAMPERED', (dir) => flip(join(dir, 'tile/0/000.p/2'), () => 40)],
    [
      'a cut bundle served whole',
      'ETAMPERED',
      (dir) =>
        writeFileSync(
          join(dir, 'tile/entries/000.p/2'),
          readFileSync(join(dir, 'tile/entries/000.p/2')).subarray(0, 50),
        ),
    ],
    [
      'a flipped byte in the checkpoint text',
      'EBADSIG',
      (dir) => flip(join(dir, 'checkpoint'), (bytes) => bytes.indexOf('\n') + 1),
    ],
    [
      'a changed signature',
      'EBADSIG',
      (dir) => flip(join(dir, 'checkpoint'), (bytes) => bytes.length - 10),
    ],
    [
      'a wrong pinned key',
      'EBADSIG',
      () => {},
      { key: generateKey(ORIGIN, new Uint8Array(32).fill(4)).verifier },
    ],
    ['a missing tile', 'EHTTP', (dir) => writeFileSync(join(dir, 'tile/0/000.p/2'), '')],
  ];
  for (const [what, code, tamper, extra] of cases) {
    it(`refuses ${what} (${code}) and keeps the trusted checkpoint`, async () => {
      const served = copy(log2);
      tamper(served);
      if (what === 'a missing tile')
        hook = (path, res) =>
          path === 'tile/0/000.p/2' ? (res.writeHead(404).end(), true) : false;
      const before = await trustThenServe(log1, served);
      const e = await refused(extra);
      expect(e.code).toBe(code);
      expect(e.message).toContain('/c/config-log/');
      expect(readFileSync(stateFile(), 'utf8')).toBe(before);
      expect(readdirSync(state)).toHaveLength(1);
    });
  }

  it('refuses an older checkpoint replayed after a newer one (EROLLBACK)', async () => {
    const before = await trustThenServe(log2, log1);
    expect((await refused()).code).toBe('EROLLBACK');
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('refuses a forked log of the same size and of a larger size (EFORK)', async () => {
    const before = await trustThenServe(log2, other([config1, Buffer.from('{}')]));
    const same = await refused();
    expect([same.code, same.message]).toEqual(['EFORK', expect.stringContaining('forked')]);
    dir = other([config2, config1, config2]);
    expect((await refused()).code).toBe('EFORK');
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('refuses a checkpoint signed for another origin (EORIGIN)', async () => {
    const k = generateKey('someone.else', new Uint8Array(32).fill(5));
    dir = tempDir('tt-client-origin-');
    appendToLog(dir, [config1], k.signer, ORIGIN);
    expect((await refused({ key: k.verifier })).code).toBe('EORIGIN');
  });

  it('refuses a malformed config entry published and signed properly (EMALFORMED)', async () => {
    const served = copy(log1);
    appendToLog(served, [Buffer.from('{"GOOS": ["linux"], "Surprise": 1}')], signer, ORIGIN);
    const before = await trustThenServe(log1, served);
    const e = await refused();
    expect(e.code).toBe('EMALFORMED');
    expect(e.message).toMatch(/tile\/entries\/000\.p\/2: entry 1: collection config/);
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('refuses a response cut short (ENETWORK), an oversized checkpoint (ETOOBIG) and a redirect (EHTTP)', async () => {
    const before = await trustThenServe(log1, log2);
    hook = (path, res) => {
      if (path !== 'tile/entries/000.p/2') return false;
      res.writeHead(200, { 'content-length': '5000' }).write(Buffer.alloc(100));
      setTimeout(() => res.destroy(), 20);
      return true;
    };
    expect((await refused()).code).toBe('ENETWORK');
    hook = (path, res) => {
      if (path !== 'checkpoint') return false;
      res.writeHead(200); // chunked, no length: the cap must hold while streaming
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (let i = 0; i < 20; i++) res.write(chunk); // 1.25 MiB, then the response stays open
      return true;
    };
    const big = await refused();
    expect([big.code, big.message]).toEqual([
      'ETOOBIG',
      expect.stringContaining('over 1048576 bytes'),
    ]);
    hook = (path, res) => (res.writeHead(302, { location: `${base}/elsewhere` }).end(), true);
    const moved = await refused();
    expect([moved.code, moved.message]).toEqual([
      'EHTTP',
      expect.stringContaining('/c/config-log/checkpoint: http status 302'),
    ]);
    expect(seen.some((request) => request.url.includes('elsewhere'))).toBe(false);
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('gives up at the deadline on a server that never answers or answers too slowly (ETIMEOUT)', async () => {
    const before = await trustThenServe(log1, log2);
    hook = () => true; // never answers
    // ETIMEOUT is the deadline's own code: without it the fetch would wait forever.
    expect((await refused({ timeoutMs: 300 })).code).toBe('ETIMEOUT');
    hook = (path, res) => {
      if (path !== 'tile/entries/000.p/2') return false;
      res.writeHead(200, { 'content-length': '10000' }).write('x'); // then nothing
      return true;
    };
    expect((await refused({ timeoutMs: 300 })).code).toBe('ETIMEOUT');
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });

  it('refuses plain http to a non-loopback host before any connection (EINSECURE), and user data in the url', async () => {
    for (const url of [
      'http://example.com/',
      'http://10.0.0.1:8080/c',
      'http://127.example/',
      'ftp://127.0.0.1/',
    ]) {
      // EINSECURE comes only from the check made before any connection.
      expect((await refused({ url })).code).toBe('EINSECURE');
    }
    for (const url of [
      `${base}?user=1`,
      `${base}#x`,
      base.replace('http://', 'http://me:pw@'),
      'not a url',
    ])
      expect((await refused({ url })).code).toBe('EURL');
    expect(seen).toHaveLength(0);
    expect(readdirSync(state)).toHaveLength(0);
  });

  it('refuses an unreadable or unverifiable trusted checkpoint (ESTATE) and leaves it alone', async () => {
    dir = log1;
    await fetchIt();
    flip(stateFile(), (bytes) => bytes.indexOf('\n') + 1);
    const before = readFileSync(stateFile(), 'utf8');
    dir = log2;
    expect((await refused()).code).toBe('ESTATE');
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
    expect(seen).toHaveLength(2); // no request after the trusted checkpoint failed
  });
});
