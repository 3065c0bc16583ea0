// The pages as files (server/pages/render.ts): bounded in size whatever the store holds.
// 110 published weeks: /charts charts the latest 26, /data and /data/index.json list the
// latest 104 and say where the older ones are.
import { describe, expect, it } from 'vitest';
import { addDays } from '../../server/merge/index.js';
import { MAX_CHART_WEEKS, MAX_LISTED_WEEKS, renderDataPages } from '../../server/pages/render.js';
import { openStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';

const WEEKS = 110;

describe('rendered pages', () => {
  it('chart the latest weeks and list the latest downloads, whatever the store holds', async () => {
    const store = await openStore({ data: tempDir('tt-pages-') });
    const weeks = Array.from({ length: WEEKS }, (_, i) => addDays('2024-01-07', 7 * i));
    for (const week of weeks) {
      const cell = {
        program: 'mytool',
        version: '1.0.0',
        reports: 3,
        counters: [],
        stacks: [],
        os: [],
        arch: [],
        runtime: [],
      };
      const aggregate = {
        week,
        from: addDays(week, -6),
        final: true,
        publish: 'raw',
        k: null,
        epsilon: null,
        clip: null,
        withheld: { cells: 0, rows: 0 },
        cells: [cell],
      };
      await store.putPublished(`aggregates/${week}.json`, Buffer.from(JSON.stringify(aggregate)));
    }
    const pages = await renderDataPages(store, { publish: 'raw', k: 20 });
    const charts = pages.get('/charts')!.body.toString('utf8');
    const charted = new Set(
      [...charts.matchAll(/data-week="(\d{4}-\d{2}-\d{2})"/g)].map((chart) => chart[1]),
    );
    expect([...charted].sort()).toEqual(weeks.slice(-MAX_CHART_WEEKS));
    expect(charts).toContain(`The charts show the latest ${MAX_CHART_WEEKS} weeks.`);
    const index = JSON.parse(pages.get('/data/index.json')!.body.toString('utf8'));
    expect(index.weeks.map((week: { week: string }) => week.week)).toEqual(
      weeks.slice(-MAX_LISTED_WEEKS),
    );
    expect(index.older.week).toMatch(/^\/data\/aggregates\//);
    const data = pages.get('/data')!.body.toString('utf8');
    expect(data.match(/<tr data-week=/g)).toHaveLength(MAX_LISTED_WEEKS);
    await store.close();
  });
});
