// The store records the --publish it was first served or merged in: a later `merge` or `serve`
// with another mode is refused (a raw merge of a store served in aggregates mode would publish
// every report the /privacy page promised to keep), and `merge` without --publish uses it.
// Real processes of the built bin, on the embedded store and on PostgreSQL.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { run } from './bin.js';
import { freshDatabase, skipPg } from './pg.js';
import { makeLog, report, serve } from './serve-helpers.js';

const WEEK = '2026-11-29';

/** One report that arrived on the Monday after WEEK, not merged yet. */
async function putOne(where: StoreOptions): Promise<void> {
  const store = await openStore(where);
  try {
    await store.put({ week: WEEK, x: '0.25', day: '2026-11-30', body: report(WEEK, 0.25) });
  } finally {
    await store.close();
  }
}

async function published(where: StoreOptions, prefix: string): Promise<string[]> {
  const store = await openStore(where);
  try {
    return await store.listPublished(prefix);
  } finally {
    await store.close();
  }
}

function suite(name: string, make: () => Promise<{ where: StoreOptions; flag: string[] }>): void {
  describe(`the recorded publication mode (${name})`, () => {
    it('refuses a raw merge of a store served in aggregates mode, and publishes nothing raw', async () => {
      const { where, flag } = await make();
      const log = makeLog();
      const served = await serve(['--log', log, ...flag, '--publish', 'aggregates']);
      expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
      expect(await served.stop(), served.stderr()).toBe(0);
      await putOne(where);

      const raw = run('merge', ...flag, '--publish', 'raw', '--now', '2026-12-02');
      expect(raw.status).toBe(1);
      expect(raw.stderr).toContain('recorded for --publish aggregates, not --publish raw');
      expect(raw.stderr).toContain('store ');
      expect(await published(where, 'merged/')).toEqual([]);

      // Without --publish, merge takes the recorded mode: aggregates, so no raw file either.
      const plain = run('merge', ...flag, '--now', '2026-12-02');
      expect(plain.stderr).toBe('');
      expect(plain.status).toBe(0);
      expect(plain.stdout).toMatch(/^merged 1 day, 1 report\n/);
      expect(await published(where, 'merged/')).toEqual([]);

      // serve's default (raw) on it is refused before it listens.
      const again = run('serve', '--log', log, ...flag, '--port', '0');
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('recorded for --publish aggregates, not --publish raw');
    });

    it('makes merge without --publish on a store no mode was recorded for a usage error', async () => {
      const { where, flag } = await make();
      await putOne(where);
      const r = run('merge', ...flag, '--now', '2026-12-02');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('no recorded publication mode yet: give --publish');
      // A first merge records its mode for the next.
      expect(run('merge', ...flag, '--publish', 'raw', '--now', '2026-12-02').status).toBe(0);
      const agg = run('merge', ...flag, '--publish', 'aggregates', '--now', '2026-12-02');
      expect(agg.status).toBe(1);
      expect(agg.stderr).toContain('recorded for --publish raw, not --publish aggregates');
    });
  });
}

suite('embedded store', async () => {
  const data = join(tempDir('tt-mode-'), 'data');
  return { where: { data }, flag: ['--data', data] };
});

describe.skipIf(skipPg)('PostgreSQL', () => {
  suite('PostgreSQL', async () => {
    const database = await freshDatabase();
    return { where: { database }, flag: ['--database', database] };
  });
});

describe('the recorded noise of an aggregates store', () => {
  it('refuses a merge with --no-noise-k-only-unsafe on a store served with noise', async () => {
    const data = join(tempDir('tt-mode-'), 'data');
    const served = await serve(['--log', makeLog(), '--data', data, '--publish', 'aggregates']);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(await served.stop()).toBe(0);
    await putOne({ data });
    const r = run(
      'merge',
      '--data',
      data,
      '--publish',
      'aggregates',
      '--no-noise-k-only-unsafe',
      '--k',
      '1',
      '--now',
      '2027-01-05',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('recorded for aggregates with noise');
    expect(await published({ data }, 'aggregates/')).toEqual([]);
  });
});

describe('merge on a --data directory that holds no store', () => {
  it('refuses it, naming it, and creates nothing', () => {
    const data = join(tempDir('tt-mode-'), 'mistyped');
    const r = run('merge', '--data', data, '--publish', 'raw');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no store in ${data}`);
    expect(existsSync(data)).toBe(false);
  });
});
