import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, labelThreshold } from '../../server/merge/index.js';
import { openStore, type Store } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { cellReports, fill, startPublic } from './merge-setup.js';
import { get, log, merge } from './merge-e2e-run.js';

async function aggregatesFlow(...eps: string[]) {
  const data = tempDir('tt-merge-agg-');
  let store: Store = await openStore({ data });
  const reports = [...cellReports('enough', 20, 0, 19), ...cellReports('few', 19, 0.5, 0)];
  await fill(store, reports, (_report, i) => (i % 2 ? '2026-11-27' : '2026-11-28'));
  await store.close();
  const today = merge('--data', data, '--publish', 'aggregates', '--now', '2026-11-28', ...eps);
  // Reports of a day that is not over wait, and the output says so and names --now.
  expect(today.stdout).toContain(
    'not merged yet: reports that arrived on 2026-11-28 (UTC), merged once that day is over;\n  to see them merged now in a trial store, run with --now 2026-11-29',
  );
  const early = merge('--data', data, '--publish', 'aggregates', '--now', '2026-12-01', ...eps);
  expect(early.status).toBe(0);
  // Nothing is released before the week can receive no more reports; the output names the day.
  expect(early.stdout).toContain(
    'week 2026-11-29 (2026-11-23 to 2026-11-29, named by its Sunday) is released by the first merge on or after 2026-12-22',
  );
  store = await openStore({ data });
  // Merged reports are gone; nothing is published before the week closes.
  for (const day of ['2026-11-27', '2026-11-28']) {
    const left = [];
    for await (const r of store.reportsOf(day)) left.push(r);
    expect(left).toEqual([]);
  }
  expect(await store.listPublished('aggregates/')).toEqual([]);
  expect(await store.listPublished('merged/')).toEqual([]);
  await store.close();
  const late = merge('--data', data, '--publish', 'aggregates', '--now', '2026-12-22', ...eps);
  expect(late.stdout).toMatch(/released final: 2026-11-29|closed and not published .*: 2026-11-29/);
  store = await openStore({ data });
  const state = JSON.parse(
    Buffer.from((await store.getPublished('state/weeks/2026-11-29.json'))!).toString(),
  );
  expect(state).toMatchObject({ closed: true, cells: [], days: ['2026-11-27', '2026-11-28'] });
  return { data, store, late };
}

describe('telemetry-server merge --publish aggregates', () => {
  it('releases a closed week once, without any number from fewer than k reports, then deletes its sums', async () => {
    const { store } = await aggregatesFlow('--no-noise-k-only-unsafe');
    const site = await startPublic({ store, publish: 'aggregates', k: 20, ...log });
    try {
      const a = JSON.parse((await get(`${site.url}/data/aggregates/2026-11-29.json`)).text);
      expect(a).toMatchObject({
        final: true,
        publish: 'aggregates',
        k: 20,
        epsilon: null,
        withheld: { cells: 1, rows: 1 },
      });
      expect(a.cells).toEqual([
        {
          program: 'enough',
          version: '1.0.0',
          reports: 20,
          counters: [
            {
              name: 'enough/run',
              chart: 'enough/run',
              bucket: 'enough/run',
              reports: 20,
              fraction: 1,
              total: 210,
            },
          ],
          stacks: [],
          os: [{ value: 'linux', reports: 20, fraction: 1 }],
          arch: [{ value: 'x64', reports: 20, fraction: 1 }],
          runtime: [{ value: 'node22', reports: 20, fraction: 1 }],
        },
      ]);
      const ledger = JSON.parse((await get(`${site.url}/data/ledger.json`)).text);
      // valuesPerReport is the cap (a parameter), not a measure of any report.
      expect(ledger.releases).toEqual([
        {
          week: '2026-11-29',
          released: '2026-12-21',
          k: 20,
          epsilon: null,
          delta: null,
          epsilonPerCount: null,
          threshold: null,
          clip: null,
          valuesPerReport: 64,
          epsilonPerReport: null,
          deltaPerReport: null,
          cells: 1,
          withheldCells: 1,
          withheldRows: 1,
        },
      ]);
      expect(ledger).toMatchObject({ cumulativeEpsilonPerReport: null, releasesWithoutNoise: 1 });
      expect((await get(`${site.url}/data/merged/2026-11-27.ndjson`)).status).toBe(404);
    } finally {
      await site.close();
      await store.close();
    }
  });

  it('adds noise by default: 39 reports are far under its threshold, so the week is not published at all', async () => {
    const { store, late } = await aggregatesFlow();
    try {
      expect(labelThreshold(DEFAULT_BUDGET, 20)).toBe(276);
      expect(late.stdout).toContain(
        'closed and not published (no cell reached the privacy threshold): 2026-11-29',
      );
      // Neither a file nor a ledger line: their existence would show that someone reported.
      expect(await store.listPublished('aggregates/')).toEqual([]);
      expect(await store.getPublished('ledger.json')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('spends the --epsilon it is given and records the budget in the ledger', async () => {
    // A large ε and δ so that 20 reports pass (τ is then k): what is recorded, not a setting to copy.
    const { store } = await aggregatesFlow(
      '--epsilon',
      '100',
      '--delta',
      '0.01',
      '--values-per-report',
      '8',
    );
    try {
      const a = JSON.parse(
        Buffer.from((await store.getPublished('aggregates/2026-11-29.json'))!).toString(),
      );
      const threshold = labelThreshold({ epsilon: 100, delta: 0.01, valuesPerReport: 8 }, 20);
      expect(a).toMatchObject({
        epsilon: 100,
        clip: 1000,
        delta: 0.01,
        valuesPerReport: 8,
        threshold,
      });
      for (const c of a.cells) expect(c.reports).toBeGreaterThanOrEqual(threshold);
      const ledger = JSON.parse(Buffer.from((await store.getPublished('ledger.json'))!).toString());
      expect(ledger.releases[0]).toMatchObject({
        epsilon: 100,
        delta: 0.01,
        valuesPerReport: 8,
        epsilonPerReport: 100,
        deltaPerReport: 0.08,
        threshold,
      });
      expect(ledger).toMatchObject({
        cumulativeEpsilonPerReport: 100,
        cumulativeDeltaPerReport: 0.08,
        releasesWithoutNoise: 0,
      });
    } finally {
      await store.close();
    }
  });

  it('counts a report that arrives after its week closed as late, and changes nothing published', async () => {
    const { data, store } = await aggregatesFlow('--no-noise-k-only-unsafe');
    const before = Buffer.from(
      (await store.getPublished('aggregates/2026-11-29.json'))!,
    ).toString();
    await fill(store, cellReports('enough', 1, 0.9, 0), () => '2026-12-22');
    await store.close();
    // The same noise setting as the merges before: the store refuses a switch.
    const r = merge(
      '--data',
      data,
      '--publish',
      'aggregates',
      '--no-noise-k-only-unsafe',
      '--now',
      '2026-12-23',
    );
    expect(r.stdout).toContain('1 reports arrived after their week closed and were not counted');
    const again = await openStore({ data });
    expect(Buffer.from((await again.getPublished('aggregates/2026-11-29.json'))!).toString()).toBe(
      before,
    );
    await again.close();
  });
});
