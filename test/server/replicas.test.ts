// Replicas on one PostgreSQL: concurrent uploads through two servers store each report once and
// lose none; one merge at a time across them; a replica killed mid-load (SIGKILL) loses nothing
// it acknowledged.
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres.js';
import type { Store } from '../../server/store/index.js';
import { load } from './load.js';
import { freshDatabase, skipPg } from './pg.js';
import { afterAcks, day, makeLog, report, serve } from './serve-helpers.js';

async function storedBodies(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const d of await store.unmergedDays())
    for await (const r of store.reportsOf(d)) out.push(r.body);
  return out;
}

const week = day(-2);
const bodies = (count: number, tag: number): string[] =>
  Array.from({ length: count }, (_, i) => report(week, `0.${tag}${String(i).padStart(6, '0')}1`));

describe.skipIf(skipPg)('replicas on one PostgreSQL', () => {
  it('two replicas taking the same uploads concurrently: each report stored once, none lost', async () => {
    const url = await freshDatabase();
    const log = makeLog();
    const [a, b] = await Promise.all([
      serve(['--log', log, '--database', url]),
      serve(['--log', log, '--database', url]),
    ]);
    const all = bodies(600, 1);
    // Every report sent twice, once to each replica, at the same time.
    const results = await load([a.url, b.url], [...all, ...all].sort(), 32);
    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    const stored = results.filter((result) => result.answer.includes('"stored"'));
    expect(stored).toHaveLength(600);
    expect(results.filter((result) => result.answer.includes('"duplicate"'))).toHaveLength(600);
    expect([await a.stop(), await b.stop()]).toEqual([0, 0]);
    const store = await openPostgresStore(url);
    expect((await storedBodies(store)).sort()).toEqual([...all].sort());
    await store.close();
  });

  it('one merge at a time across replicas (withMergeLock), released when its holder is done or gone', async () => {
    const url = await freshDatabase();
    const [a, b] = [await openPostgresStore(url), await openPostgresStore(url)];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = a.withMergeLock(async () => {
      entered();
      await held;
      return 'a merged';
    });
    await inside;
    expect(await b.withMergeLock(async () => 'b merged')).toBeNull();
    release();
    expect(await first).toBe('a merged');
    expect(await b.withMergeLock(async () => 'b merged')).toBe('b merged');
    // A holder whose connection goes (a crashed replica) releases the lock.
    const c = await openPostgresStore(url);
    let cEntered!: () => void;
    const cInside = new Promise<void>((resolve) => (cEntered = resolve));
    const cHolds = c.withMergeLock(async () => {
      cEntered();
      await new Promise(() => undefined);
    });
    void cHolds.catch(() => undefined);
    await cInside;
    expect(await a.withMergeLock(async () => 'x')).toBeNull();
    await b.close();
    const admin = await openPostgresStore(url);
    await admin.close();
    const pg = (await import('pg')).default;
    const k = new pg.Client({ connectionString: url });
    await k.connect();
    // Only this test's database: other test files hold advisory locks in theirs at the same time.
    await k.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    await k.end();
    let got: string | null = null;
    for (let i = 0; i < 50 && got === null; i++) {
      got = await a.withMergeLock(async () => 'after the holder died');
      if (got === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(got).toBe('after the holder died');
    await a.close();
  });

  it('a replica killed mid-load loses nothing it acknowledged', async () => {
    const url = await freshDatabase();
    const log = makeLog();
    const [a, b] = await Promise.all([
      serve(['--log', log, '--database', url]),
      serve(['--log', log, '--database', url]),
    ]);
    const all = bodies(3000, 2);
    const running = load([a.url, b.url], all, 32);
    await afterAcks(a, 100);
    a.proc.kill('SIGKILL');
    const results = await running;
    const acked = results.filter((result) => result.status === 200).map((result) => result.body);
    expect(acked.length).toBeGreaterThan(0);
    expect(results.some((result) => result.status !== 200)).toBe(true); // the kill did cut requests
    await b.stop();
    const store = await openPostgresStore(url);
    const stored = new Set(await storedBodies(store));
    await store.close();
    for (const body of acked) expect(stored.has(body)).toBe(true);
  });
});
