// The public routes over HTTP on 127.0.0.1: headers every answer carries, content types and
// cache lifetimes, an empty collector, and a config log that no longer verifies.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMerge } from '../../server/merge/index.js';
import { openStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { configLog, startPublic } from './merge-setup.js';

const log = configLog();
const store = await openStore({ data: tempDir('tt-pages-http-') });
const site = await startPublic({ store, publish: 'raw', k: 20, logDir: log.logDir });
afterAll(async () => {
  await site.close();
  await store.close();
});

describe('public routes', () => {
  it('answer with a strict CSP, nosniff, no referrer and a cache lifetime', async () => {
    for (const [path, type] of [
      ['/charts', 'text/html; charset=utf-8'],
      ['/data', 'text/html; charset=utf-8'],
      ['/config', 'text/html; charset=utf-8'],
      ['/privacy', 'text/html; charset=utf-8'],
      ['/data/index.json', 'application/json; charset=utf-8'],
      ['/assets/charts.js', 'text/javascript; charset=utf-8'],
      ['/assets/style.css', 'text/css; charset=utf-8'],
    ]) {
      const r = await fetch(`${site.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type'), path).toBe(type);
      expect(r.headers.get('content-security-policy'), path).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('cache-control')).toBe('public, max-age=300');
      await r.arrayBuffer();
    }
    const home = await fetch(`${site.url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([302, '/charts']);
    await home.arrayBuffer();
    const head = await fetch(`${site.url}/charts`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('are files with an ETag: If-None-Match with it gets 304 and no body', async () => {
    for (const path of [
      '/charts',
      '/data',
      '/data/index.json',
      '/config',
      '/privacy',
      '/assets/charts.js',
    ]) {
      const first = await fetch(`${site.url}${path}`);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      await first.arrayBuffer();
      const again = await fetch(`${site.url}${path}`, {
        headers: { 'if-none-match': `"other", W/${etag}` },
      });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe('');
      const changed = await fetch(`${site.url}${path}`, {
        headers: { 'if-none-match': '"other"' },
      });
      expect(changed.status, path).toBe(200);
      await changed.arrayBuffer();
    }
  });

  it('say so when nothing is published yet, and list nothing', async () => {
    expect(await (await fetch(`${site.url}/charts`)).text()).toContain('No data published yet.');
    expect(await (await fetch(`${site.url}/data/index.json`)).json()).toEqual({
      publish: 'raw',
      k: null,
      epsilon: null,
      days: [],
      weeks: [],
      ledger: null,
      older: {
        day: '/data/merged/<YYYY-MM-DD>.ndjson (a big day also .2.ndjson, .3.ndjson, …)',
        week: '/data/aggregates/<week ending YYYY-MM-DD>.json (and .csv)',
      },
    });
    for (const path of [
      '/data/aggregates/2026-11-29.json',
      '/data/merged/2026-11-29.ndjson',
      '/data/ledger.json',
      '/assets/other.js',
      '/data/aggregates/x.json',
    ]) {
      const r = await fetch(`${site.url}${path}`);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(await r.json()).toMatchObject({ type: 'about:blank', status: 404, code: 'not-found' });
    }
  });

  it('refuse to show a config log whose entries no longer match its tiles', async () => {
    const bad = tempDir('tt-log-bad-');
    cpSync(log.logDir, bad, { recursive: true });
    // Two appends of one entry each: the bundle of width 2 is the one the checkpoint uses.
    const file = join(bad, 'tile', 'entries', '000.p', '2');
    const bytes = readFileSync(file);
    bytes[bytes.length - 3]! ^= 1;
    writeFileSync(file, bytes);
    const s = await startPublic({ store, publish: 'raw', k: 20, logDir: bad });
    try {
      for (const path of ['/config', '/privacy']) {
        const r = await fetch(`${s.url}${path}`);
        expect(r.status).toBe(503);
        expect(await r.text()).toMatch(/does not verify: entry 1 does not match its tile/);
      }
    } finally {
      await s.close();
    }
  });

  it('check the signature too when given the vendor key, and refuse another key', async () => {
    const other = configLog();
    const s = await startPublic({
      store,
      publish: 'raw',
      k: 20,
      logDir: log.logDir,
      logKey: other.logKey,
    });
    try {
      const r = await fetch(`${s.url}/config`);
      expect(r.status).toBe(503);
      expect(await r.text()).toMatch(/checkpoint does not verify/);
    } finally {
      await s.close();
    }
  });

  it('show totals above 2^53 with every digit, in the page, the JSON and the CSV', async () => {
    const big = await openStore({ data: tempDir('tt-pages-big-') });
    const body = (x: number) =>
      `{"Week":"2026-11-26","LastWeek":"","X":${x},"Config":"v1","Programs":[{"Program":"p","Version":"1","GoVersion":"node22.1.0","GOOS":"linux","GOARCH":"x64","Counters":{"p/c":18446744073709551615},"Stacks":{}}]}`;
    for (const x of [0.25, 0.5])
      expect(
        await big.put({ week: '2026-11-26', x: String(x), day: '2026-11-27', body: body(x) }),
      ).toBe('stored');
    await runMerge(big, { publish: 'raw', k: 20, now: new Date('2026-11-28T00:00:00Z') });
    const s = await startPublic({ store: big, publish: 'raw', k: 20, logDir: log.logDir });
    try {
      const sum = '36893488147419103230';
      expect(await (await fetch(`${s.url}/charts`)).text()).toContain(`data-total="${sum}"`);
      expect(await (await fetch(`${s.url}/data/aggregates/2026-11-29.json`)).text()).toContain(
        `"total":${sum}`,
      );
      expect(await (await fetch(`${s.url}/data/aggregates/2026-11-29.csv`)).text()).toContain(
        `counter,p/c,2,2,1,${sum}`,
      );
      expect(await (await fetch(`${s.url}/data/merged/2026-11-27.ndjson`)).text()).toBe(
        `${body(0.25)}\n${body(0.5)}\n`,
      );
    } finally {
      await s.close();
      await big.close();
    }
  });
});
