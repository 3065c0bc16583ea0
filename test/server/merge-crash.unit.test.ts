// A merge cut short and run again, on the real directory store: the state a crash can leave
// between the writes of a run is written by hand, and the next run must count no report twice
// and release no week twice (a second release would draw fresh noise for the same sums).
import { describe, expect, it } from 'vitest';
import { type WeekCells, addReport, parseReport, runMerge } from '../../server/merge/index.js';
import { cellToJSON } from '../../server/merge/cell.js';
import { openStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { fill } from './merge-setup.js';
import { expected, generateReports } from './report-gen.js';
import { weekOf } from '../../server/merge/index.js';

const text = (bytes: Uint8Array | null) => Buffer.from(bytes!).toString('utf8');

describe('a merge run again after a crash', () => {
  it('skips a day whose sums a week already holds, when the crash came before the day was marked merged', async () => {
    const reports = generateReports({ seed: 9, count: 60, weeks: ['2026-11-25'] });
    const store = await openStore({ data: tempDir('tt-crash-') });
    await fill(store, reports, () => '2026-11-27');
    // What the interrupted run wrote: the week's sums with the day listed; the day not marked.
    const byWeek = new Map<string, WeekCells>();
    for (const r of reports) addReport(byWeek, parseReport(JSON.stringify(r)));
    const state = {
      week: '2026-11-29',
      days: ['2026-11-27'],
      touched: 0,
      closed: false,
      late: 0,
      cells: [...byWeek.get('2026-11-29')!.values()].map(cellToJSON),
    };
    await store.putPublished('state/weeks/2026-11-29.json', Buffer.from(JSON.stringify(state)));
    const r = await runMerge(store, {
      publish: 'raw',
      k: 20,
      now: new Date('2026-11-28T01:00:00Z'),
    });
    expect(r!.days).toEqual([{ day: '2026-11-27', reports: 60 }]);
    expect(await store.unmergedDays()).toEqual([]);
    const a = JSON.parse(text(await store.getPublished('aggregates/2026-11-29.json')));
    for (const c of a.cells)
      expect(c.reports).toBe(expected(reports, weekOf, '2026-11-29', c.program, c.version).reports);
    await store.close();
  });

  it('finishes a release whose aggregate was written, without drawing noise again or adding a ledger line', async () => {
    const reports = generateReports({ seed: 4, count: 400, weeks: ['2026-11-25'] });
    const store = await openStore({ data: tempDir('tt-crash-rel-') });
    await fill(store, reports, () => '2026-11-27');
    // ε large enough that these ~60-report cells pass the threshold: the crash path is the subject.
    const opts = { publish: 'aggregates' as const, k: 5, epsilon: 50 };
    await runMerge(store, { ...opts, now: new Date('2026-11-28T01:00:00Z') });
    const open = await store.getPublished('state/weeks/2026-11-29.json');
    await runMerge(store, { ...opts, now: new Date('2026-12-22T01:00:00Z') });
    const released = text(await store.getPublished('aggregates/2026-11-29.json'));
    const ledger = text(await store.getPublished('ledger.json'));
    // The crash: the aggregate and the ledger line are written, the sums not yet dropped.
    await store.putPublished('state/weeks/2026-11-29.json', open!);
    const again = await runMerge(store, { ...opts, now: new Date('2026-12-23T01:00:00Z') });
    expect(again!.released).toEqual(['2026-11-29']);
    expect(text(await store.getPublished('aggregates/2026-11-29.json'))).toBe(released);
    expect(text(await store.getPublished('ledger.json'))).toBe(ledger);
    expect(JSON.parse(text(await store.getPublished('state/weeks/2026-11-29.json')))).toMatchObject(
      { closed: true, cells: [] },
    );
    // And a run after that releases nothing.
    expect(
      (await runMerge(store, { ...opts, now: new Date('2026-12-24T01:00:00Z') }))!.released,
    ).toEqual([]);
    await store.close();
  });
});
