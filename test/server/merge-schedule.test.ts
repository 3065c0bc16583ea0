// The merge schedule `serve` runs, on real stores: it merges at start; replicas sharing one
// PostgreSQL database merge one at a time (the loser of the lock does nothing); and a report
// of any accepted size is merged whole (Go's merge drops lines over its 64 KiB scanner limit).
import { describe, expect, it } from 'vitest';
import { type MergeResult, runMerge } from '../../server/merge/index.js';
import { startMergeSchedule } from '../../server/pages/index.js';
import { openStore } from '../../server/store/index.js';
import { MAX_REPORT_BYTES, type Report } from '../../upload/index.js';
import { tempDir } from '../helpers.js';
import { fill } from './merge-setup.js';
import { freshDatabase, skipPg } from './pg.js';
import { generateReports } from './report-gen.js';

const NOW = () => new Date('2026-12-03T10:00:00Z');
const reports = generateReports({ seed: 3, count: 50, weeks: ['2026-11-26', '2026-11-29'] });

describe('the merge schedule', () => {
  it('merges the days that are over when it starts, and stops', async () => {
    const store = await openStore({ data: tempDir('tt-sched-') });
    await fill(store, reports, () => '2026-12-01');
    const runs: (MergeResult | null)[] = [];
    const s = startMergeSchedule({
      store,
      publish: 'raw',
      k: 20,
      now: NOW,
      onRun: (result, error) => {
        if (error) throw error;
        runs.push(result);
      },
    });
    await s.idle();
    s.stop();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.days).toEqual([{ day: '2026-12-01', reports: 50 }]);
    expect(await store.listPublished('merged/')).toEqual(['merged/2026-12-01.ndjson']);
    await store.close();
  });

  it.skipIf(skipPg)('lets one replica merge at a time across a shared PostgreSQL', async () => {
    const database = await freshDatabase();
    const a = await openStore({ database });
    const b = await openStore({ database });
    await fill(a, reports, () => '2026-12-01');
    const results: (MergeResult | null)[] = [];
    const sa = startMergeSchedule({
      store: a,
      publish: 'raw',
      k: 20,
      now: NOW,
      onRun: (result) => results.push(result),
    });
    const sb = startMergeSchedule({
      store: b,
      publish: 'raw',
      k: 20,
      now: NOW,
      onRun: (result) => results.push(result),
    });
    await Promise.all([sa.idle(), sb.idle()]);
    sa.stop();
    sb.stop();
    // Either one replica merged and the other found the lock held, or the second ran after the first and found nothing.
    const merged = results.filter((result) => result && result.days.length > 0);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.days).toEqual([{ day: '2026-12-01', reports: 50 }]);
    expect(await b.unmergedDays()).toEqual([]);
    await a.close();
    await b.close();
  });
});

describe('merging large reports', () => {
  it('merges a report of nearly MAX_REPORT_BYTES whole, into the NDJSON and the aggregate', async () => {
    const counters: Record<string, number> = {};
    for (let i = 0; JSON.stringify(counters).length < MAX_REPORT_BYTES - 2000; i++)
      counters[`big/c:${'x'.repeat(40)}${i}`] = i + 1;
    const r: Report = {
      Week: '2026-11-29',
      LastWeek: '',
      X: 0.5,
      Config: 'v1',
      Programs: [
        {
          Program: 'big',
          Version: '1',
          GoVersion: 'node22.1.0',
          GOOS: 'linux',
          GOARCH: 'x64',
          Counters: counters,
          Stacks: {},
        },
      ],
    };
    const body = JSON.stringify(r);
    expect(body.length).toBeGreaterThan(64 * 1024 + 30_000);
    expect(body.length).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    const store = await openStore({ data: tempDir('tt-big-') });
    await fill(store, [r], () => '2026-12-01');
    await runMerge(store, { publish: 'raw', k: 20, now: NOW() });
    expect(Buffer.from((await store.getPublished('merged/2026-12-01.ndjson'))!).toString()).toBe(
      `${body}\n`,
    );
    const a = JSON.parse(
      Buffer.from((await store.getPublished('aggregates/2026-11-29.json'))!).toString(),
    );
    expect(a.cells[0].counters).toHaveLength(Object.keys(counters).length);
    await store.close();
  });
});
