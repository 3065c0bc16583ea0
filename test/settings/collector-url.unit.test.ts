// The collector-URL rule, one table for every place that applies it: open()'s collector option
// (counter/hub.ts), config's fetch (collectorBase), and the uploader's send and proxy rules
// (which never proxy a loopback host). Each row: the URL, and what the rule says.
import { describe, expect, it } from 'vitest';
import { fetchVerifiedConfig } from '../../config/index.js';
import { checkCollectorUrl, isLoopbackHost, printableLine } from '../../safeio/index.js';
import { routeFor } from '../../upload/index.js';

const TABLE: Array<[string, 'ok' | 'not-a-url' | 'carries-user-data' | 'not-https']> = [
  ['https://telemetry.example.com/tool', 'ok'],
  ['https://telemetry.example.com', 'ok'],
  ['http://127.0.0.1:8080/c', 'ok'],
  ['http://127.1.2.3/c', 'ok'],
  ['http://[::1]:9/c', 'ok'],
  ['http://localhost/c', 'ok'],
  ['http://LOCALHOST/c', 'ok'],
  ['http://0x7f000001/c', 'ok'], // WHATWG parsing makes it 127.0.0.1
  ['http://telemetry.example.com', 'not-https'],
  ['http://10.0.0.1', 'not-https'],
  ['http://localhost.evil.example', 'not-https'],
  ['http://127.0.0.1.evil.example', 'not-https'],
  ['ftp://telemetry.example.com', 'not-https'],
  ['telemetry.example.com', 'not-a-url'],
  ['', 'not-a-url'],
  ['https://user:pw@telemetry.example.com', 'carries-user-data'],
  ['https://user@telemetry.example.com', 'carries-user-data'],
  ['https://telemetry.example.com/?id=1', 'carries-user-data'],
  ['https://telemetry.example.com/?', 'carries-user-data'],
  ['https://telemetry.example.com/#x', 'carries-user-data'],
  ['https://telemetry.example.com/#', 'carries-user-data'],
];

describe('the collector-URL rule', () => {
  it.each(TABLE)('%s → %s', async (url, want) => {
    const checked = checkCollectorUrl(url);
    expect(checked instanceof URL ? 'ok' : checked.kind).toBe(want);
    if (checked instanceof URL) expect(checked.pathname.endsWith('/')).toBe(true);
    // config's fetch applies the same rule first, with its error codes (an accepted URL gets
    // as far as the key, which is bogus here: no connection either way).
    const code = want === 'ok' ? 'EKEY' : want === 'not-https' ? 'EINSECURE' : 'EURL';
    await expect(
      fetchVerifiedConfig({ url, key: 'bogus', stateDir: '/nonexistent' }),
    ).rejects.toMatchObject({ code });
  });

  it('loopback hosts are the ones plain http may reach, and the ones never proxied', () => {
    for (const [url, want] of TABLE) {
      if (!url.startsWith('http://') || want === 'carries-user-data') continue;
      const host = new URL(url).hostname;
      expect(isLoopbackHost(host), url).toBe(want === 'ok');
      const route = routeFor(new URL(url.replace('http:', 'https:')), {
        HTTPS_PROXY: 'http://proxy.example:3128',
      });
      expect(route.kind, url).toBe(want === 'ok' ? 'direct' : 'proxy');
    }
  });
});

describe('printableLine', () => {
  it.each([
    ['plain words', 'plain words'],
    ['a\u009b31mred', 'a 31mred'], // C1 CSI
    ['x\u202eevil\u202cy', 'x evil y'], // bidi override and pop
    ['\u2066iso\u2069', 'iso'], // isolates
    ['tab\tand\nnewline\r\n', 'tab and newline'],
    ['\u0000nul\u007fdel\u0085nel', 'nul del nel'],
    ['zero\u200bwidth', 'zero width'],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate'],
  ])('%j → %j', (text, want) => {
    expect(printableLine(text)).toBe(want);
  });
  it('keeps at most `max` characters', () => {
    expect(printableLine('é'.repeat(500), 10)).toBe('é'.repeat(10));
  });
});
