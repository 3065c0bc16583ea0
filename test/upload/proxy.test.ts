// A real https collector reached only through real proxies on 127.0.0.1 (the collector's name
// resolves nowhere else): http and https CONNECT proxies (one demanding a password), a SOCKS5
// proxy, for the config fetch and the POST alike; NO_PROXY bypasses them; a proxy setting that
// cannot be used means no connection at all, never a direct one.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { oneWeekOn } from './fixture.js';
import { type TestProxy, connectProxy, socksProxy } from './proxies.js';

describe('through real proxies on 127.0.0.1', () => {
  let c: TestCollector;
  let certFile = '';
  let tlsPair: { key: Buffer; cert: Buffer };
  const proxies: TestProxy[] = [];
  beforeAll(async () => {
    const d = tempDir('tt-tls-');
    const key = join(d, 'key.pem');
    certFile = join(d, 'cert.pem');
    // One certificate for the collector (collector.test) and the https proxy (127.0.0.1).
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=collector.test',
        '-addext',
        'subjectAltName=DNS:collector.test,IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
    tlsPair = { key: readFileSync(key), cert: readFileSync(certFile) };
    c = await startCollector('p', 9, { ...tlsPair, host: 'collector.test' });
    c.publish(configFor(['tool']));
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await c.close();
  });
  const started = async (starting: Promise<TestProxy>): Promise<TestProxy> => {
    const proxy = await starting;
    proxies.push(proxy);
    return proxy;
  };

  type Summary = {
    sent: unknown[];
    retry: { reason: string }[];
    configs: { ok: boolean; code?: string; message?: string }[];
  };
  /** One upload run in its own process; `resolve`: collector.test resolves to 127.0.0.1 there, so a direct connection would work. */
  function runChild(root: string, extra: NodeJS.ProcessEnv, resolve = false): Promise<Summary> {
    const env = cleanEnv({
      ...extra,
      NODE_EXTRA_CA_CERTS: certFile,
      TT_DIST_UPLOAD: join(ROOT, 'dist', 'upload', 'index.js'),
      TRANSPARENT_TELEMETRY_DIR: root,
    });
    const pre = resolve
      ? ['--require', join(ROOT, 'test', 'fixtures', 'resolve-collector.cjs')]
      : [];
    const child = spawn(
      process.execPath,
      [
        ...pre,
        join(ROOT, 'test', 'fixtures', 'upload-run.mjs'),
        JSON.stringify({ dir: root, now: '2026-11-20T09:00:00Z' }),
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out))));
  }

  const setup = (): string => oneWeekOn('tt-proxy-', { url: c.url, key: c.key });
  const target = (): string => `collector.test:${new URL(c.url).port}`;
  const reset = (): void => {
    c.posts.length = 0;
    c.gets.length = 0;
  };

  it('config fetch and POST go through HTTPS_PROXY with CONNECT', async () => {
    reset();
    const proxy = await started(connectProxy());
    const s = await runChild(setup(), { HTTPS_PROXY: proxy.url });
    expect(s.configs).toMatchObject([{ ok: true }]);
    expect(s.sent).toHaveLength(1);
    expect(c.posts).toHaveLength(1);
    expect(proxy.asked.length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxy.asked)).toEqual(new Set([target()]));
    expect(proxy.credentials).toEqual([]);
  }, 60_000);

  it('a proxy that wants a password gets it as Proxy-Authorization: Basic, and the collector never sees it', async () => {
    reset();
    const proxy = await started(connectProxy({ login: 'al@ice:s3cr:t' }));
    const u = new URL(proxy.url);
    u.username = encodeURIComponent('al@ice');
    u.password = encodeURIComponent('s3cr:t');
    const s = await runChild(setup(), { HTTPS_PROXY: u.href });
    expect(s.sent).toHaveLength(1);
    expect(new Set(proxy.credentials)).toEqual(
      new Set([`Basic ${Buffer.from('al@ice:s3cr:t').toString('base64')}`]),
    );
    expect(c.posts[0]!.headers['proxy-authorization']).toBeUndefined();
  }, 60_000);

  it('a 407 is a named error (EPROXYAUTH words), the report waits, nothing reaches the collector', async () => {
    reset();
    const proxy = await started(connectProxy({ login: 'u:right' }));
    for (const url of [proxy.url, proxy.url.replace('http://', 'http://u:wrong@')]) {
      const s = await runChild(setup(), { HTTPS_PROXY: url });
      expect(s.sent).toEqual([]);
      expect(s.configs).toMatchObject([{ ok: false }]);
      expect(s.configs[0]!.message).toMatch(
        /answered 407 Proxy Authentication Required: it (wants a user and password|refused the user and password)/,
      );
      expect(s.configs[0]!.message).not.toContain('wrong');
    }
    expect([c.gets, c.posts]).toEqual([[], []]);
  }, 60_000);

  it('goes through an https proxy (TLS to the proxy, then TLS to the collector inside)', async () => {
    reset();
    const proxy = await started(connectProxy({ tls: tlsPair }));
    const s = await runChild(setup(), { HTTPS_PROXY: proxy.url });
    expect(s.sent).toHaveLength(1);
    expect(new Set(proxy.asked)).toEqual(new Set([target()]));
  }, 60_000);

  it('goes through a SOCKS5 proxy with a login, handing it the host name (socks5h)', async () => {
    reset();
    const proxy = await started(socksProxy({ login: 'bob:pw' }));
    const s = await runChild(setup(), {
      HTTPS_PROXY: proxy.url.replace('socks5h://', 'socks5h://bob:pw@'),
    });
    expect(s.configs).toMatchObject([{ ok: true }]);
    expect(s.sent).toHaveLength(1);
    expect(new Set(proxy.asked)).toEqual(new Set([target()]));
    expect(new Set(proxy.credentials)).toEqual(new Set(['bob:pw']));
  }, 60_000);

  it('a SOCKS5 refusal and a refused login are named errors, and the report waits', async () => {
    reset();
    const refusing = await started(socksProxy({ reply: 5 }));
    const refused = await runChild(setup(), { HTTPS_PROXY: refusing.url });
    expect(refused.configs[0]!.message).toMatch(
      /SOCKS5 proxy socks5h:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) refused the connection to collector\.test:\d+ \(connection refused\)/,
    );
    const login = await started(socksProxy({ login: 'bob:pw' }));
    const wrong = await runChild(setup(), { HTTPS_PROXY: login.url.replace('//', '//bob:nope@') });
    expect(wrong.configs[0]!.message).toMatch(/SOCKS5 proxy .* refused the user and password/);
    expect(wrong.configs[0]!.message).not.toContain('nope');
    const none = await runChild(setup(), { HTTPS_PROXY: login.url });
    expect(none.configs[0]!.message).toMatch(/wants a login; put user:password@ in the proxy URL/);
    expect([refused.sent, wrong.sent, none.sent, c.gets, c.posts]).toEqual([[], [], [], [], []]);
  }, 60_000);

  it('socks5 (no h) resolves here and hands the proxy an address', async () => {
    reset();
    const proxy = await started(socksProxy());
    const s = await runChild(
      setup(),
      { HTTPS_PROXY: proxy.url.replace('socks5h://', 'socks5://') },
      true,
    );
    expect(s.sent).toHaveLength(1);
    expect(new Set(proxy.asked)).toEqual(new Set([`127.0.0.1:${new URL(c.url).port}`]));
  }, 60_000);

  it('an unusable proxy setting keeps the report and makes no connection, though the collector is reachable directly', async () => {
    reset();
    const direct = await runChild(setup(), {}, true); // the control: without a proxy, it does reach the collector
    expect(direct.sent).toHaveLength(1);
    for (const value of ['socks4://127.0.0.1:1080', 'http://[127.0.0.1']) {
      reset();
      const root = setup();
      const s = await runChild(root, { HTTPS_PROXY: value }, true);
      expect(s.sent).toEqual([]);
      expect(s.configs[0]!.message).toMatch(/HTTPS_PROXY (names a socks4: proxy|is not a URL)/);
      expect([c.gets, c.posts]).toEqual([[], []]);
      const status = spawnSync(
        process.execPath,
        [join(ROOT, 'dist', 'cmd', 'telemetry.js'), 'status'],
        { env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: root, NO_COLOR: '1' }), encoding: 'utf8' },
      );
      expect(status.stdout).toMatch(/last config check: .*failed \(ENETWORK\): .*HTTPS_PROXY/);
    }
  }, 60_000);

  it('a waiting report is not sent around an unusable proxy, and status says why', async () => {
    reset();
    const root = setup();
    c.answer = () => 503; // the first run builds the report, and keeps it
    try {
      expect((await runChild(root, {}, true)).retry).toHaveLength(1);
    } finally {
      c.answer = () => 200;
    }
    expect(c.posts).toHaveLength(1);
    const s = await runChild(root, { HTTPS_PROXY: 'socks4://127.0.0.1:1080' }, true);
    expect(s.retry[0]!.reason).toMatch(/HTTPS_PROXY names a socks4: proxy/);
    expect(c.posts).toHaveLength(1); // nothing more reached the collector
    const cli = join(ROOT, 'dist', 'cmd', 'telemetry.js');
    const env = cleanEnv({ TRANSPARENT_TELEMETRY_DIR: root, NO_COLOR: '1' });
    const status = spawnSync(process.execPath, [cli, 'status'], { env, encoding: 'utf8' });
    expect(status.stdout).toMatch(
      /last try: week 2026-11-17, .*, kept for later: .*HTTPS_PROXY names a socks4/,
    );
  }, 60_000);

  it('NO_PROXY bypasses the proxy', async () => {
    const proxy = await started(connectProxy());
    const s = await runChild(setup(), { HTTPS_PROXY: proxy.url, NO_PROXY: 'collector.test' });
    expect(proxy.asked).toEqual([]);
    expect(s.configs).toMatchObject([{ ok: false }]); // collector.test resolves nowhere without the proxy
  }, 60_000);
});
