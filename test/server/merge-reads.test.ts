// The merge worker of `serve` reads the day itself, through its own connection to the store,
// and writes what it publishes itself: no report crosses the main thread (the one that answers
// uploads), and what does cross (the lock, the list of days, marking a day merged) is the same
// whatever the size of the day. Both stores, both publication modes.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type MergeResult,
  type PublishMode,
  mergeInWorker,
  runMerge,
} from '../../server/merge/index.js';
import { type Store, openPostgresStore, openSqliteStore } from '../../server/store/index.js';
import { ROOT, tempDir } from '../helpers.js';
import { fill } from './merge-setup.js';
import { freshDatabase, skipPg } from './pg.js';
import { generateReports } from './report-gen.js';

const workerFile = pathToFileURL(join(ROOT, 'server', 'dist', 'merge-worker.js'));
const NOW = new Date('2026-12-03T10:00:00Z');
const DAY = '2026-11-28';

/** A message as text, its bytes (a published file) decoded, so a report in it can be found. */
const asText = (message: unknown): string =>
  JSON.stringify(message, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
  );

interface Crossed {
  messages: string[];
  xs: string[];
  result: MergeResult | null;
  /** Every published file after the run, by name. */
  published: Map<string, string>;
}

async function publishedOf(store: Store): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of await store.listPublished('')) {
    files.set(name, Buffer.from((await store.getPublished(name))!).toString('utf8'));
  }
  return files;
}

/** The same day merged by `telemetry-server merge`'s path: in process, on the store itself. */
async function mergeInProcess(open: () => Promise<Store>, count: number, publish: PublishMode) {
  const store = await open();
  await fill(store, generateReports({ seed: 5, count, weeks: ['2026-11-05'] }), () => DAY);
  await runMerge(store, { publish, k: 20, now: NOW });
  const published = await publishedOf(store);
  await store.close();
  return published;
}

/** Merges one day of `count` reports in the merge worker, seeing every message that crosses. */
async function mergeObserved(
  open: () => Promise<Store>,
  count: number,
  publish: PublishMode,
): Promise<Crossed> {
  const store = await open();
  const reports = generateReports({ seed: 5, count, weeks: ['2026-11-05'] });
  await fill(store, reports, () => DAY);
  const messages: string[] = [];
  const observe = (message: unknown) => messages.push(asText(message));
  const result = await mergeInWorker(store, { publish, k: 20, now: NOW }, { workerFile, observe });
  const published = await publishedOf(store);
  await store.close();
  return { messages, xs: reports.map((report) => String(report.X)), result, published };
}

const stores: Array<[string, () => Promise<Store>, boolean]> = [
  ['sqlite', () => openSqliteStore(tempDir('tt-reads-')), false],
  ['postgres', async () => openPostgresStore(await freshDatabase()), skipPg],
];

describe.each(stores)('the merge worker reads the day itself (%s)', (_name, open, skip) => {
  it.skipIf(skip).each(['raw', 'aggregates'] as const)(
    '%s: no report crosses the main thread',
    async (publish) => {
      const small = await mergeObserved(open, 20, publish);
      const big = await mergeObserved(open, 2_000, publish);
      expect(big.result!.days).toEqual([{ day: DAY, reports: 2_000 }]);
      expect([...big.published.keys()]).toContain(
        publish === 'raw' ? `merged/${DAY}.ndjson` : 'ledger.json',
      );
      // No report's X (long decimals, found nowhere else) is in any message, either way.
      const crossed = big.messages.join('\n');
      expect(big.xs.filter((x) => x.length > 12 && crossed.includes(x))).toEqual([]);
      // Nothing that grows with the day: a day of 2,000 reports sends what a day of 20 does.
      expect(big.messages).toEqual(small.messages);
    },
    60_000,
  );

  it.skipIf(skip).each(['raw', 'aggregates'] as const)(
    '%s: publishes what the merge command does',
    async (publish) => {
      const inWorker = await mergeObserved(open, 1_500, publish);
      const inProcess = await mergeInProcess(open, 1_500, publish);
      expect(inProcess.size).toBeGreaterThan(2);
      // The worker also renders the data pages; every file the merge itself writes is the same.
      for (const [name, text] of inProcess) expect(inWorker.published.get(name), name).toBe(text);
    },
    60_000,
  );
});

describe.each(stores)('the merge worker stops reading a day early (%s)', (_name, open, skip) => {
  it.skipIf(skip)(
    'skips each day that does not read, its reading released, and merges the rest',
    async () => {
      const store = await open();
      const reports = generateReports({ seed: 6, count: 1_500, weeks: ['2026-11-26'] });
      // Three days each with a report that does not read (past the first page), then a good day:
      // a reader left open by a day stopped early would starve the days after it.
      const days = ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30'];
      await fill(store, reports, (_report, i) => days[i % 4]!);
      for (const [i, bad] of days.slice(0, 3).entries()) {
        const body = 'not json';
        const put = await store.put({ week: '2026-11-26', x: `0.9999999${i}`, day: bad, body });
        expect(put).toBe('stored');
      }
      const result = await mergeInWorker(
        store,
        { publish: 'raw', k: 20, now: NOW },
        { workerFile },
      );
      expect(result!.skipped.map((skipped) => skipped.day)).toEqual(days.slice(0, 3));
      for (const skipped of result!.skipped) expect(skipped.reason).toMatch(/cannot be read/);
      expect(result!.days).toEqual([{ day: '2026-11-30', reports: 375 }]);
      await store.close();
    },
    60_000,
  );
});
