// The merge inside `serve` runs in a worker thread: the built server, a data directory holding
// a big day that is over, and uploads sent one after another while that day is merged. Every
// upload sent between the run's start and end is answered before the run ends (in process,
// the parse-and-sum loop held the event loop and they waited for its end).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeInWorker, runMerge } from '../../server/merge/index.js';
import { openSqliteStore } from '../../server/store/index.js';
import { ROOT, tempDir } from '../helpers.js';
import { fill } from './merge-setup.js';
import { generateReports } from './report-gen.js';
import { type Served, day, makeLog, report, serve, untilLogged, upload } from './serve-helpers.js';

const BIG_DAY = 20_000;
const workerFile = pathToFileURL(join(ROOT, 'server', 'dist', 'merge-worker.js'));
const merged = (served: Served) => /"event":"merge","ok":true/.test(served.stderr());

describe('the merge in serve', () => {
  it('answers uploads while a big day is merged in a worker thread', async () => {
    const data = tempDir('tt-mworker-');
    const store = await openSqliteStore(data);
    await fill(store, generateReports({ seed: 11, count: BIG_DAY, weeks: [day(-4)] }), () =>
      day(-1),
    );
    await store.close();
    const s = await serve(['--log', makeLog(), '--data', data]);
    await untilLogged(s, /"event":"merge-start"/);
    const week = day(-2);
    let sent = 0;
    let during = 0;
    while (!merged(s)) {
      const r = await upload(s.url, week, report(week, `0.${String(++sent).padStart(6, '0')}1`));
      expect(r.status, r.body).toBe(200);
      if (!merged(s)) during++;
    }
    expect(s.stderr()).toMatch(
      new RegExp(`"event":"merge","ok":true,"days":1,"reports":${BIG_DAY}`),
    );
    // Answered while the day was being merged: several, not the one that waited it out.
    expect(during).toBeGreaterThanOrEqual(5);
    // The worker rendered the data pages from what it published; the server now serves those.
    const listed = async () =>
      (await (await fetch(`${s.url}/data/index.json`)).json()) as { days: { day: string }[] };
    for (let i = 0; i < 300 && (await listed()).days.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await listed()).days.map((listedDay) => listedDay.day)).toEqual([day(-1)]);
    expect(await (await fetch(`${s.url}/charts`)).text()).toContain('data-program="mytool"');
    expect(await s.stop()).toBe(0);
  }, 120_000);
});

describe('mergeInWorker', () => {
  const NOW = new Date('2026-12-03T10:00:00Z');

  it('merges through the lent store as a run in process would, skipping a day that does not read', async () => {
    const store = await openSqliteStore(tempDir('tt-lent-'));
    await fill(
      store,
      generateReports({ seed: 2, count: 600, weeks: ['2026-11-26'] }),
      (_report, i) => (i % 2 ? '2026-11-27' : '2026-11-28'),
    );
    await store.put({ week: '2026-11-26', x: '0.5', day: '2026-11-27', body: 'not json' });
    const r = await mergeInWorker(store, { publish: 'raw', k: 20, now: NOW }, { workerFile });
    expect(r!.days).toEqual([{ day: '2026-11-28', reports: 300 }]);
    expect(r!.skipped.map((skip) => skip.day)).toEqual(['2026-11-27']);
    expect(await store.listPublished('aggregates/')).toEqual([
      'aggregates/2026-11-29.csv',
      'aggregates/2026-11-29.json',
    ]);
    await store.close();
  });

  it('hands the worker every publication option: the ledger records the δ and cap it was given', async () => {
    const store = await openSqliteStore(tempDir('tt-opts-'));
    // A week long closed by NOW, so the run releases it.
    await fill(
      store,
      generateReports({ seed: 4, count: 600, weeks: ['2026-11-05'] }),
      () => '2026-11-06',
    );
    const options = {
      publish: 'aggregates' as const,
      k: 20,
      epsilon: 4,
      delta: 0.01,
      valuesPerReport: 8,
    };
    const r = await mergeInWorker(store, { ...options, now: NOW }, { workerFile });
    expect(r!.released).toEqual(['2026-11-08']);
    const ledger = JSON.parse(
      Buffer.from((await store.getPublished('ledger.json'))!).toString('utf8'),
    );
    expect(ledger.releases).toMatchObject([
      { week: '2026-11-08', delta: 0.01, valuesPerReport: 8 },
    ]);
    await store.close();
  });

  it('a worker that runs out of heap fails alone; the lock is released and the next run merges', async () => {
    const store = await openSqliteStore(tempDir('tt-oom-'));
    await fill(
      store,
      generateReports({ seed: 3, count: 3000, weeks: ['2026-11-26'] }),
      () => '2026-11-28',
    );
    const small = mergeInWorker(
      store,
      { publish: 'raw', k: 20, now: NOW },
      { workerFile, heapMb: 2 },
    );
    await expect(small).rejects.toThrow(/memory limit: JS heap out of memory/);
    const again = await runMerge(store, { publish: 'raw', k: 20, now: NOW });
    expect(again!.days).toEqual([{ day: '2026-11-28', reports: 3000 }]);
    await store.close();
  });
});
