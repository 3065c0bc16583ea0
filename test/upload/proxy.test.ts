// Network manners: proxies from the environment as curl reads them, and a real https collector
// reached only through a real CONNECT proxy on 127.0.0.1 (the collector's name resolves nowhere
// else), for the config fetch and the POST alike; NO_PROXY bypasses it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noProxy, proxyFor } from '../../upload/index.js';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';

describe('proxy rules', () => {
  const env = { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: 'internal.example, .corp:8443,10.1.2.3' };
  it.each([
    ['https://collector.example/', 'http://proxy.example:3128/'],
    ['https://a.internal.example/', null],
    ['https://internal.example/', null],
    ['https://x.corp:8443/', null],
    ['https://x.corp/', 'http://proxy.example:3128/'], // the port does not match
    ['https://10.1.2.3/', null],
    ['http://127.0.0.1:8080/', null], // loopback: never proxied
    ['https://localhost/', null],
  ])('%s → %s', (target, want) => {
    expect(proxyFor(new URL(target), env)?.href ?? null).toBe(want);
  });
  it('lowercase wins, * disables, unparsable or non-http proxies are not used', () => {
    expect(proxyFor(new URL('https://c.example/'), { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' })?.host).toBe('low:1');
    expect(proxyFor(new URL('https://c.example/'), { HTTPS_PROXY: 'http://p:1', no_proxy: '*' })).toBeNull();
    expect(proxyFor(new URL('https://c.example/'), { HTTPS_PROXY: 'socks5://p:1' })).toBeNull();
    expect(proxyFor(new URL('https://c.example/'), { HTTPS_PROXY: 'p.example:8080' })?.host).toBe('p.example:8080');
    expect(noProxy('example.com', '443', 'ample.com')).toBe(false); // suffix at a dot only
  });
});

describe('through a CONNECT proxy', () => {
  let c: TestCollector;
  let proxy: Server;
  let proxyUrl = '';
  const tunnels: string[] = [];
  const open: { destroy(): void }[] = [];
  let certFile = '';
  beforeAll(async () => {
    const d = tempDir('tt-tls-');
    const key = join(d, 'key.pem');
    certFile = join(d, 'cert.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', certFile,
      '-days', '2', '-subj', '/CN=collector.test', '-addext', 'subjectAltName=DNS:collector.test'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
    c = await startCollector('p', 9, { key: readFileSync(key), cert: readFileSync(certFile), host: 'collector.test' });
    c.publish(configFor(['tool']));
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, sock, head) => {
      tunnels.push(req.url ?? '');
      open.push(sock);
      const port = Number((req.url ?? '').split(':')[1]);
      const up = connect(port, '127.0.0.1', () => {
        open.push(up);
        sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(sock);
        sock.pipe(up);
      });
      up.on('error', () => sock.destroy());
      sock.on('error', () => up.destroy());
    });
    await new Promise<void>((res) => proxy.listen(0, '127.0.0.1', res));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const x of open) x.destroy();
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await c.close();
  });

  function runChild(root: string, extra: NodeJS.ProcessEnv): Promise<{ sent: unknown[]; retry: unknown[]; configs: { ok: boolean; code?: string }[] }> {
    const env = cleanEnv({ ...extra, NODE_EXTRA_CA_CERTS: certFile, TT_DIST_UPLOAD: join(ROOT, 'dist', 'upload', 'index.js'), TRANSPARENT_TELEMETRY_DIR: root });
    const child = spawn(process.execPath, [join(ROOT, 'test', 'fixtures', 'upload-run.mjs'), JSON.stringify({ dir: root, now: '2026-11-20T09:00:00Z' })], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    return new Promise((r) => child.on('close', () => r(JSON.parse(out))));
  }

  function setup(): string {
    const root = tempDir('tt-proxy-');
    setMode(root, 'tool', 'on', '2026-11-01');
    declare(root, 'tool', { url: c.url, key: c.key });
    writeCountFile(root, { program: 'tool', begin: '2026-11-10', end: '2026-11-17', counts: { 'tool/known': 1 } });
    return root;
  }

  it('config fetch and POST go through HTTPS_PROXY with CONNECT', async () => {
    tunnels.length = 0;
    c.posts.length = 0;
    const s = await runChild(setup(), { HTTPS_PROXY: proxyUrl });
    expect(s.configs).toMatchObject([{ ok: true }]);
    expect(s.sent).toHaveLength(1);
    expect(c.posts).toHaveLength(1);
    const port = new URL(c.url).port;
    expect(tunnels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tunnels)).toEqual(new Set([`collector.test:${port}`]));
  }, 60_000);

  it('NO_PROXY bypasses the proxy', async () => {
    tunnels.length = 0;
    const s = await runChild(setup(), { HTTPS_PROXY: proxyUrl, NO_PROXY: 'collector.test' });
    expect(tunnels).toEqual([]);
    expect(s.configs).toMatchObject([{ ok: false }]); // collector.test resolves nowhere without the proxy
  }, 60_000);
});
