// The embedded SQLite store against the shared suite, plus what is its own: the database's key
// decides across processes, the merge lock outlives no holder, an old directory is refused.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { storeSuite } from './store-suite.js';

storeSuite('sqlite', async () => {
  const dir = tempDir('tt-store-');
  return { store: await openSqliteStore(dir), reopen: () => openSqliteStore(dir) };
});

// `--sync normal`: the same rules, without a WAL sync before each answer.
storeSuite('sqlite, sync normal', async () => {
  const dir = tempDir('tt-store-');
  const open = () => openSqliteStore(dir, { sync: 'normal' });
  return { store: await open(), reopen: open };
});

const day = new Date().toISOString().slice(0, 10);
const row = (x: string, body = `{"X":${x}}`) => ({ week: '2026-11-22', x, day, body });

describe('sqlite store', () => {
  it('two stores open on one directory: the database key stores each report once', async () => {
    const dir = tempDir('tt-store-');
    const [one, two] = [await openSqliteStore(dir), await openSqliteStore(dir)];
    const reports = Array.from({ length: 200 }, (_, i) => row(`0.${i + 1}`));
    const results = await Promise.all(
      reports.flatMap((report) => [one.put(report), two.put(report)]),
    );
    expect(results.filter((result) => result === 'stored')).toHaveLength(200);
    expect(results.filter((result) => result === 'duplicate')).toHaveLength(200);
    expect(await two.put(row('0.1', '{"other":1}'))).toBe('conflict');
    await Promise.all([one.close(), two.close()]);
  });

  it('the merge lock: one holder across stores; released after', async () => {
    const dir = tempDir('tt-store-');
    const [one, two] = [await openSqliteStore(dir), await openSqliteStore(dir)];
    let inner: unknown = 'not run';
    const outer = await one.withMergeLock(async () => {
      inner = await two.withMergeLock(async () => 'two');
      return 'one';
    });
    expect(outer).toBe('one');
    expect(inner).toBeNull();
    expect(await two.withMergeLock(async () => 'two, after')).toBe('two, after');
    await Promise.all([one.close(), two.close()]);
  });

  it('refuses a directory of the old segment store, naming it and the import command', async () => {
    const dir = tempDir('tt-store-');
    mkdirSync(join(dir, 'days', day), { recursive: true });
    const old = join(dir, 'days');
    await expect(openSqliteStore(dir)).rejects.toThrow(
      `data directory ${dir} holds reports in the old segment layout (${old}); ` +
        `import them into SQLite first: telemetry-server import-dir --data ${dir}`,
    );
  });

  it('close right after a put that a finishing batch sent early never hangs', async () => {
    // A put made while a batch finishes is sent by that batch, before its own turn's timer runs;
    // a close in between once waited for ever. Fast answers (sync normal) make the race likely.
    for (let i = 0; i < 40; i++) {
      const s = await openSqliteStore(tempDir('tt-store-'), { sync: 'normal' });
      await s.put(row('0.1'));
      expect(await s.put(row('0.1'))).toBe('duplicate');
      expect(await s.put(row('0.1', '{"other":1}'))).toBe('conflict');
      expect(await s.put(row('0.2'))).toBe('stored');
      expect(await s.unmergedDays()).toEqual([day]);
      expect(await s.unmergedDays()).toEqual([day]); // quick answers, one after another
      await s.close();
    }
  });

  // With sync full, a batch of 16 or more is synced in the worker itself, smaller ones on the pool.
  for (const sync of ['full', 'normal'] as const)
    it(`one turn of many puts goes in several batches; repeats across them decide in order (sync ${sync})`, async () => {
      const s = await openSqliteStore(tempDir('tt-store-'), { sync });
      // 100 puts in one turn (SUB_BATCH is 16): each key three times, 40 puts apart, the third
      // with other bytes. Whatever batch each lands in, the first is stored, the second a
      // duplicate, the third a conflict.
      const keys = Array.from({ length: 40 }, (_, i) => `0.${i + 1}`);
      const puts = [
        ...keys.map((x) => row(x)),
        ...keys.map((x) => row(x)),
        ...keys.slice(0, 20).map((x) => row(x, '{"other":1}')),
      ];
      const results = await Promise.all(puts.map((report) => s.put(report)));
      expect(results.slice(0, 40)).toEqual(keys.map(() => 'stored'));
      expect(results.slice(40, 80)).toEqual(keys.map(() => 'duplicate'));
      expect(results.slice(80)).toEqual(keys.slice(0, 20).map(() => 'conflict'));
      await s.close();
    });

  it('a put after close fails (a 503 for intake), never hangs', async () => {
    const s = await openSqliteStore(tempDir('tt-store-'));
    await s.close();
    await expect(s.put(row('0.5'))).rejects.toThrow(/thread ended/);
    expect(await s.healthy()).toBe(false);
  });
});
