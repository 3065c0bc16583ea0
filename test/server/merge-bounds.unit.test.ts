// The merge's bounds, on the real directory store: a day that cannot be merged is reported and
// skipped while the days after it merge; a week holds at most MAX_VERSIONS_PER_WEEK versions
// and MAX_STACKS_PER_WEEK stack names per program, the rest counted under `other`.
import { describe, expect, it } from 'vitest';
import {
  MAX_STACKS_PER_WEEK,
  MAX_VERSIONS_PER_WEEK,
  type WeekAggregate,
  runMerge,
} from '../../server/merge/index.js';
import { renderDataPages } from '../../server/pages/render.js';
import { openStore } from '../../server/store/index.js';
import type { Report } from '../../upload/index.js';
import { tempDir } from '../helpers.js';
import { fill } from './merge-setup.js';
import { generateReports } from './report-gen.js';

const NOW = new Date('2026-12-03T10:00:00Z');
const WEEK = '2026-11-26'; // in the calendar week ending 2026-11-29

function entry(version: string, stacks: Record<string, number> = {}) {
  return {
    Program: 'mytool',
    Version: version,
    GoVersion: 'node22.11.0',
    GOOS: 'linux',
    GOARCH: 'x64',
    Counters: { 'mytool/run': 1 },
    Stacks: stacks,
  };
}
const reportOf = (i: number, programs: ReturnType<typeof entry>[]): Report => ({
  Week: WEEK,
  LastWeek: '',
  X: (i + 1) / 100_000,
  Programs: programs,
  Config: 'v1',
});

async function aggregate(store: Awaited<ReturnType<typeof openStore>>): Promise<WeekAggregate> {
  return JSON.parse(
    Buffer.from((await store.getPublished('aggregates/2026-11-29.json'))!).toString('utf8'),
  ) as WeekAggregate;
}

describe('merge bounds', () => {
  it('a day that cannot be merged is reported and skipped; the days after it merge', async () => {
    const store = await openStore({ data: tempDir('tt-poison-') });
    const reports = generateReports({ seed: 5, count: 30, weeks: [WEEK] });
    await fill(store, reports, (_report, i) =>
      i < 10 ? '2026-11-27' : i < 20 ? '2026-11-28' : '2026-11-30',
    );
    expect(await store.put({ week: WEEK, x: '0.77', day: '2026-11-28', body: '{"Week": 7' })).toBe(
      'stored',
    );
    const r = await runMerge(store, { publish: 'raw', k: 20, now: NOW });
    expect(r!.days).toEqual([
      { day: '2026-11-27', reports: 10 },
      { day: '2026-11-30', reports: 10 },
    ]);
    expect(r!.skipped).toHaveLength(1);
    expect(r!.skipped[0]).toMatchObject({ day: '2026-11-28' });
    expect(r!.skipped[0]!.reason).toMatch(/day 2026-11-28: report 2026-11-26\/0.77 cannot be read/);
    expect(await store.unmergedDays()).toEqual(['2026-11-28']); // kept for the next run, nothing lost
    expect(await store.listPublished('merged/')).toEqual([
      'merged/2026-11-27.ndjson',
      'merged/2026-11-30.ndjson',
    ]);
    await store.close();
  });

  it('the version flood: a week keeps the first versions of a program, the rest under "other"', async () => {
    const store = await openStore({ data: tempDir('tt-vflood-') });
    const flood = Array.from({ length: MAX_VERSIONS_PER_WEEK + 50 }, (_, i) =>
      reportOf(i, [entry(`1.${i}.0`)]),
    );
    // Two days: the bound holds across merges too (it is read back from the week's kept sums).
    await fill(store, flood, (_report, i) => (i < 80 ? '2026-11-27' : '2026-11-28'));
    await runMerge(store, { publish: 'raw', k: 20, now: NOW });
    const cells = (await aggregate(store)).cells.filter((cell) => cell.program === 'mytool');
    expect(cells).toHaveLength(MAX_VERSIONS_PER_WEEK + 1);
    expect(cells.find((cell) => cell.version === 'other')!.reports).toBe(50);
    expect(cells.reduce((sum, cell) => sum + cell.reports, 0)).toBe(flood.length); // nothing lost, only folded
    await store.close();
  });

  it('the stack flood: a week keeps the first stack names of a program, the rest as "<prefix>\\nother"', async () => {
    const store = await openStore({ data: tempDir('tt-sflood-') });
    const per = 200;
    const stacks = (i: number) =>
      Object.fromEntries(
        Array.from({ length: per }, (_, j) => [`mytool/crash\nmytool/lib.f${i}_${j}:+1`, 1]),
      );
    const flood = Array.from({ length: 8 }, (_, i) => reportOf(i, [entry('1.2.0', stacks(i))]));
    await fill(store, flood, () => '2026-11-27');
    await runMerge(store, { publish: 'raw', k: 20, now: NOW });
    const [cell] = (await aggregate(store)).cells;
    expect(cell!.stacks).toHaveLength(MAX_STACKS_PER_WEEK + 1);
    const other = cell!.stacks.find((stack) => stack.name === 'mytool/crash\nother')!;
    expect(other.total).toBe(8 * per - MAX_STACKS_PER_WEEK);
    await store.close();
  });

  it('writes a raw day in parts, never holding it whole; together they are the day, and /data lists them', async () => {
    const store = await openStore({ data: tempDir('tt-parts-') });
    const reports = generateReports({ seed: 8, count: 120, weeks: [WEEK] });
    const bodies = await fill(store, reports, () => '2026-11-27');
    await runMerge(store, { publish: 'raw', k: 20, now: NOW, partBytes: 8_000 });
    const names = await store.listPublished('merged/');
    expect(names.length).toBeGreaterThan(3);
    const parts = names
      .map((name) => Number(/\.(\d+)\.ndjson$/.exec(name)?.[1] ?? 1))
      .sort((a, b) => a - b);
    expect(parts).toEqual(parts.map((_, i) => i + 1));
    let all = '';
    for (const part of parts) {
      const name = part === 1 ? 'merged/2026-11-27.ndjson' : `merged/2026-11-27.${part}.ndjson`;
      all += Buffer.from((await store.getPublished(name))!).toString('utf8');
    }
    expect(all.trimEnd().split('\n').sort()).toEqual([...bodies.get('2026-11-27')!].sort());
    const index = JSON.parse(
      (await renderDataPages(store, { publish: 'raw', k: 20 }))
        .get('/data/index.json')!
        .body.toString('utf8'),
    );
    expect(index.days[0].parts).toHaveLength(parts.length);
    expect(index.days[0].parts[1]).toBe('/data/merged/2026-11-27.2.ndjson');
    await store.close();
  });
});
