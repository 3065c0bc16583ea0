// One suite for every store (the embedded directory and PostgreSQL): what `serve` and `merge`
// rely on. Each store's test file runs it with its own opener.
import { describe, expect, it } from 'vitest';
import type { Store, StoredReport } from '../../server/store/index.js';

export type Opener = () => Promise<{ store: Store; reopen: () => Promise<Store> }>;

const today = new Date().toISOString().slice(0, 10);
const report = (week: string, x: string, extra = ''): StoredReport => ({
  week,
  x,
  day: today,
  body: JSON.stringify({ Week: week, LastWeek: '', X: Number(x), Programs: null, Config: extra }),
});

async function all(store: Store, day = today): Promise<StoredReport[]> {
  const out: StoredReport[] = [];
  for await (const r of store.reportsOf(day)) out.push(r);
  return out;
}

export function storeSuite(name: string, open: Opener, skip = false): void {
  describe.skipIf(skip)(`${name} store`, () => {
    it('stores a report once: a repeat is a duplicate, other bytes for the same (week, X) a conflict', async () => {
      const { store } = await open();
      const r = report('2026-11-22', '0.25');
      expect(await store.put(r)).toBe('stored');
      expect(await store.put(r)).toBe('duplicate');
      expect(await store.put({ ...r, body: r.body + ' ' })).toBe('conflict');
      expect(await store.put(report('2026-11-22', '0.250'))).toBe('stored'); // X's text is the identity
      expect(await store.put(report('2026-11-15', '0.25'))).toBe('stored');
      const got = await all(store);
      expect(got.map((report) => [report.week, report.x])).toEqual([
        ['2026-11-15', '0.25'],
        ['2026-11-22', '0.25'],
        ['2026-11-22', '0.250'],
      ]);
      expect(got[1]).toEqual(r); // the exact bytes
      expect(await store.unmergedDays()).toEqual([today]);
      await store.close();
    });

    it('concurrent puts: every distinct report once, every repeat a duplicate, nothing lost', async () => {
      const { store } = await open();
      const reports = Array.from({ length: 300 }, (_, i) => report('2026-11-22', `0.${1000 + i}`));
      const results = await Promise.all(
        [...reports, ...reports.slice(0, 100), ...reports.slice(0, 100)].map((report) =>
          store.put(report),
        ),
      );
      expect(results.filter((x) => x === 'stored')).toHaveLength(300);
      expect(results.filter((x) => x === 'duplicate')).toHaveLength(200);
      const got = await all(store);
      expect(got.map((report) => report.x)).toEqual(reports.map((report) => report.x).sort());
      await store.close();
    });

    it('the same (week, X) with other bytes at the same moment: one stored, the rest conflicts or duplicates of it', async () => {
      const { store } = await open();
      const variants = Array.from({ length: 5 }, (_, i) => report('2026-11-22', '0.625', `v${i}`));
      const results = await Promise.all(
        [...variants, ...variants].map((report) => store.put(report)),
      );
      expect(results.filter((x) => x === 'stored')).toHaveLength(1);
      const winner = variants[results.indexOf('stored') % 5]!;
      expect(await all(store)).toEqual([winner]);
      results.forEach((x, i) => {
        if (x !== 'stored')
          expect(x).toBe([...variants, ...variants][i] === winner ? 'duplicate' : 'conflict');
      });
      await store.close();
    });

    it('what it acknowledged survives a reopen, duplicates included', async () => {
      const { store, reopen } = await open();
      const r = report('2026-11-22', '0.5');
      expect(await store.put(r)).toBe('stored');
      await store.close();
      const again = await reopen();
      expect(await again.put(r)).toBe('duplicate');
      expect(await again.put({ ...r, body: r.body.replace('""}', '"v1"}') })).toBe('conflict');
      expect(await all(again)).toEqual([r]);
      await again.close();
    });

    it('markMerged: the day leaves the unmerged list; with dropRaw the bodies go but a replay is still known', async () => {
      const { store, reopen } = await open();
      const r = report('2026-11-22', '0.75');
      await store.put(r);
      await store.markMerged(today, false);
      expect(await store.unmergedDays()).toEqual([]);
      expect(await all(store)).toEqual([r]);
      const r2 = report('2026-11-22', '0.875');
      await store.put(r2);
      expect(await store.unmergedDays()).toEqual([today]);
      await store.markMerged(today, true);
      expect(await all(store)).toEqual([]);
      expect(await store.unmergedDays()).toEqual([]);
      expect(await store.put(r)).toBe('duplicate');
      expect(await store.put({ ...r2, body: r2.body + '\n' })).toBe('conflict');
      await store.close();
      const again = await reopen();
      expect(await again.put(r2)).toBe('duplicate');
      expect(await all(again)).toEqual([]);
      await again.close();
    });

    it('an aggregates merge deletes all reports of merged days past the upload window', async () => {
      // With or without a body: bodies a crash left while a day's were being dropped go too.
      const { store } = await open();
      const old = { ...report('2026-11-01', '0.5'), day: '2026-11-02' };
      await store.put(old);
      await store.markMerged(old.day, false); // raw: the body stays
      expect(await all(store, old.day)).toEqual([old]);
      await store.put(report('2026-11-22', '0.75'));
      await store.markMerged(today, true);
      expect(await all(store, old.day)).toEqual([]);
      expect(await store.put(old)).toBe('stored'); // its key is gone with it
      expect(await store.unmergedDays()).toEqual([old.day]);
      await store.close();
    });

    it('one merge at a time', async () => {
      const { store } = await open();
      let inner: unknown = 'not run';
      const outer = await store.withMergeLock(async () => {
        inner = await store.withMergeLock(async () => 'second');
        return 'first';
      });
      expect(outer).toBe('first');
      expect(inner).toBeNull();
      expect(await store.withMergeLock(async () => 'again')).toBe('again'); // released
      await expect(
        store.withMergeLock(async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.withMergeLock(async () => 'after a failure')).toBe('after a failure');
      await store.close();
    });

    it('published files: whole replacement, listing by prefix, absent is null, names checked', async () => {
      const { store } = await open();
      expect(await store.getPublished('merged/2026-11-29.ndjson')).toBeNull();
      await store.putPublished('merged/2026-11-29.ndjson', new TextEncoder().encode('a\n'));
      await store.putPublished('merged/2026-11-29.ndjson', new TextEncoder().encode('b\n'));
      await store.putPublished('merged/2026-11-28.ndjson', new Uint8Array([0, 1, 2]));
      await store.putPublished('charts/2026-11-29.json', new TextEncoder().encode('{}'));
      expect(
        new TextDecoder().decode((await store.getPublished('merged/2026-11-29.ndjson'))!),
      ).toBe('b\n');
      expect([...(await store.getPublished('merged/2026-11-28.ndjson'))!]).toEqual([0, 1, 2]);
      expect(await store.listPublished('merged/')).toEqual([
        'merged/2026-11-28.ndjson',
        'merged/2026-11-29.ndjson',
      ]);
      expect(await store.listPublished('')).toHaveLength(3);
      for (const bad of ['../x', '/etc/passwd', 'a/../b', '.hidden', 'a//b', '']) {
        await expect(store.putPublished(bad, new Uint8Array())).rejects.toThrow('published name');
      }
      expect(await store.healthy()).toBe(true);
      await store.close();
    });
  });
}
