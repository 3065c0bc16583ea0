// Proxies from the environment as curl reads them, and the rule that a proxy setting the
// uploader cannot use is never a reason to connect directly (upload/proxy.ts).
import { describe, expect, it } from 'vitest';
import { noProxy, proxyLabel, routeFor } from '../../upload/index.js';

describe('proxy rules', () => {
  const env = {
    HTTPS_PROXY: 'http://proxy.example:3128',
    NO_PROXY: 'internal.example, .corp:8443,10.1.2.3',
  };
  const shown = (target: string, error: Record<string, string>): string => {
    const r = routeFor(new URL(target), error);
    return r.kind === 'proxy' ? proxyLabel(r.proxy) : r.kind;
  };
  it.each([
    ['https://collector.example/', 'http://proxy.example:3128 (HTTPS_PROXY)'],
    ['https://a.internal.example/', 'direct'],
    ['https://internal.example/', 'direct'],
    ['https://x.corp:8443/', 'direct'],
    ['https://x.corp/', 'http://proxy.example:3128 (HTTPS_PROXY)'], // the port does not match
    ['https://10.1.2.3/', 'direct'],
    ['http://127.0.0.1:8080/', 'direct'], // loopback: never proxied
    ['https://localhost/', 'direct'],
    ['https://[::1]:9/', 'direct'],
  ])('%s → %s', (target, want) => {
    expect(shown(target, env)).toBe(want);
  });
  it('lowercase wins, * disables; http, https, socks5 and socks5h proxies are used, with their default ports', () => {
    const c = 'https://c.example/';
    expect(shown(c, { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' })).toBe(
      'http://low:1 (https_proxy)',
    );
    expect(shown(c, { HTTPS_PROXY: 'http://p:1', no_proxy: '*' })).toBe('direct');
    expect(shown(c, { HTTPS_PROXY: 'p.example:8080' })).toBe('http://p.example:8080 (HTTPS_PROXY)');
    expect(shown(c, { HTTPS_PROXY: 'https://p.example' })).toBe(
      'https://p.example:443 (HTTPS_PROXY)',
    );
    expect(shown(c, { HTTPS_PROXY: 'SOCKS5://p.example' })).toBe(
      'socks5://p.example:1080 (HTTPS_PROXY)',
    );
    expect(shown(c, { HTTPS_PROXY: 'socks5h://[::1]:9050' })).toBe(
      'socks5h://[::1]:9050 (HTTPS_PROXY)',
    );
    expect(noProxy('example.com', '443', 'ample.com')).toBe(false); // suffix at a dot only
  });
  it('a user and password are decoded for the proxy, and never shown', () => {
    const r = routeFor(new URL('https://c.example/'), {
      HTTPS_PROXY: 'http://al%40ice:p%3Ass@p.example:3128',
    });
    expect(r).toMatchObject({
      kind: 'proxy',
      proxy: { auth: { user: 'al@ice', password: 'p:ss' } },
    });
    expect(r.kind === 'proxy' && proxyLabel(r.proxy)).toBe('http://p.example:3128 (HTTPS_PROXY)');
  });
  it.each([
    ['socks4://p.example:1080', /names a socks4: proxy, which the uploader does not speak/],
    ['ftp://p.example', /names a ftp: proxy/],
    ['http://[p.example', /HTTPS_PROXY is not a URL/],
    ['http://%zz@p.example', /not valid percent-encoding/],
  ])('%s is unusable (never a direct connection): %s', (value, why) => {
    const r = routeFor(new URL('https://c.example/'), { HTTPS_PROXY: value });
    expect(r.kind).toBe('unusable');
    expect(r.kind === 'unusable' && r.reason).toMatch(why);
    expect(r.kind === 'unusable' && r.reason).not.toContain('zz@');
  });
});
