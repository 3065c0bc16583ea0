// What one hostile client once did to the store, on both stores, with the built server
// as a real process: a flood of reports padded to ~100 KB under a small heap (kept as their
// small canonical bytes; nothing per report stays in memory; a restart after SIGTERM works), and
// a full disk (as root: a small tmpfs holding the SQLite directory, or a PostgreSQL tablespace
// holding tt_reports): 503, nothing of a refused batch stored, the retry stored once, the counts
// exact.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, openSqliteStore, type Store } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { load } from './load.js';
import { freshDatabase, skipPg } from './pg.js';
import { day, makeLog, program, report, serve, upload } from './serve-helpers.js';

const week = day(-2);
const x = (run: number, i: number): string => `0.${run}${String(i).padStart(6, '0')}1`;
const canonical = (run: number, i: number): string =>
  report(week, x(run, i), [program({ Counters: { 'demo-tool/invocations': i } })]);
/**
 * X spelled with 15 characters: the old store kept X's text as a slice of the body, and V8 keeps
 * the whole body alive behind a slice of 13 characters or more (it died after ~300 of these).
 * Stored, X is written as Go writes it: `longX(i)` as a number.
 */
const longX = (i: number): string => (0.1 + i * 1e-6).toFixed(13);
const flood = (i: number): string =>
  report(week, longX(i), [program({ Counters: { 'demo-tool/invocations': i } })]);
const flooded = (i: number): string =>
  report(week, String(Number(longX(i))), [program({ Counters: { 'demo-tool/invocations': i } })]);
/** The same report padded with newlines to 100 KB (the intake limit is 100 × 1024 bytes). */
const padded = (body: string): string =>
  body.replace('{', `{${'\n'.repeat(100 * 1024 - body.length - 1)}`);

async function bodies(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const d of await store.unmergedDays()) {
    for await (const r of store.reportsOf(d)) out.push(r.body);
  }
  await store.close();
  return out;
}

interface Target {
  flags: string[];
  open: () => Promise<Store>;
  size?: () => number;
}
const stores: Array<{ name: string; skip: boolean; make: () => Promise<Target> }> = [
  {
    name: 'sqlite',
    skip: false,
    make: async () => {
      const data = tempDir('tt-hostile-');
      const sizeOf = (file: string): number =>
        statSync(join(data, file), { throwIfNoEntry: false })?.size ?? 0;
      const size = (): number => sizeOf('telemetry.sqlite') + sizeOf('telemetry.sqlite-wal');
      return { flags: ['--data', data], open: () => openSqliteStore(data), size };
    },
  },
  {
    name: 'postgres',
    skip: skipPg,
    make: async () => {
      const url = await freshDatabase();
      return { flags: ['--database', url], open: () => openPostgresStore(url) };
    },
  },
];

for (const target of stores) {
  describe.skipIf(target.skip)(`hostile clients (${target.name} store)`, () => {
    it('padded reports under a 48 MB heap: stored small, server up, restarts', async () => {
      const { flags, open, size } = await target.make();
      const log = makeLog();
      const env = { NODE_OPTIONS: '--max-old-space-size=48' };
      const s = await serve(['--log', log, ...flags], env);
      const count = 800; // 80 MB sent: the old store died of OOM after ~300
      const bodies100k = Array.from({ length: count }, (_, i) => padded(flood(i)));
      const results = await load([s.url], bodies100k, 16);
      expect(
        results.filter((result) => result.status !== 200).map((result) => result.answer),
      ).toEqual([]);
      expect(s.proc.exitCode).toBeNull();
      expect(await s.stop('SIGTERM')).toBe(0);
      if (size) expect(size()).toBeLessThan(count * 2048); // ~300 bytes a report, not 100 KB
      const again = await serve(['--log', log, ...flags], env);
      const repeat = await upload(again.url, week, padded(flood(5)));
      expect(repeat.json).toEqual({ status: 'duplicate' });
      expect(await again.stop()).toBe(0);
      const stored = await bodies(await open());
      expect(stored.length).toBe(count);
      const sent = Array.from({ length: count }, (_, i) => flooded(i));
      expect(new Set(stored)).toEqual(new Set(sent));
    });
  });
}

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('skipped: the full-disk test mounts a tmpfs and needs root');

describe.skipIf(!isRoot)('a full disk (sqlite store on a 16 MB tmpfs)', () => {
  it('503, nothing of a refused batch stored; the retry stored once; counts exact', async () => {
    const mount = tempDir('tt-full-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    try {
      const data = join(mount, 'data');
      mkdirSync(data);
      const log = makeLog();
      const s = await serve(['--log', log, '--data', data]);
      expect((await upload(s.url, week, canonical(2, 0))).status).toBe(200); // the database exists
      // Leave little room: the reports below need more than is left.
      writeFileSync(join(mount, 'filler'), Buffer.alloc(0));
      try {
        const size = String(statfsFree(mount) - 96 * 1024);
        execFileSync('fallocate', ['-l', size, join(mount, 'filler')]);
      } catch {
        writeFileSync(join(mount, 'filler'), Buffer.alloc(statfsFree(mount) - 96 * 1024));
      }
      const all = Array.from({ length: 1500 }, (_, i) => canonical(2, i + 1));
      const first = await load([s.url], all, 16);
      const refused = first.filter((result) => result.status !== 200);
      expect(refused.length).toBeGreaterThan(0);
      const unavailable = (result: (typeof first)[number]): boolean =>
        result.status === 503 && JSON.parse(result.answer).code === 'store-unavailable';
      expect(refused.every(unavailable)).toBe(true);
      const acked = new Set([canonical(2, 0)]);
      for (const r of first) if (r.status === 200) acked.add(r.body);
      expect(await s.stop()).toBe(0);
      // Nothing half-stored: exactly what was answered 200.
      expect(new Set(await bodies(await openSqliteStore(data)))).toEqual(acked);

      rmSync(join(mount, 'filler'));
      const again = await serve(['--log', log, '--data', data]);
      const retry = await load([again.url], all, 16); // every report once more, as clients would
      expect(retry.filter((result) => result.status !== 200)).toEqual([]);
      for (const r of retry) {
        expect(JSON.parse(r.answer).status).toBe(acked.has(r.body) ? 'duplicate' : 'stored');
      }
      expect(await again.stop()).toBe(0);
      const stored = await bodies(await openSqliteStore(data));
      expect(stored.length).toBe(all.length + 1);
      expect(new Set(stored).size).toBe(all.length + 1);
    } finally {
      execFileSync('umount', ['-l', mount]);
    }
  });
});

function statfsFree(dir: string): number {
  const out = execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
}

/** The local `postgres` user's ids (scripts/ensure-postgres.mjs runs the cluster as it). */
function postgresUser(): { uid: number; gid: number } | null {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}
const pgUser = isRoot && !skipPg ? postgresUser() : null;
const pgUrl = process.env.TT_TEST_DATABASE_URL ?? '@127.0.0.1/'; // else pg.ts starts a local one
const localPg = pgUser !== null && /@(127\.0\.0\.1|localhost)[:/]/.test(pgUrl);
if (isRoot && !skipPg && !localPg) {
  console.warn('skipped: the PostgreSQL full-disk test needs the local cluster and its user');
}

describe.skipIf(!localPg)('a full disk (PostgreSQL, its table in a tablespace on a tmpfs)', () => {
  it('503, nothing of a refused batch stored; the retry stored once; counts exact', async () => {
    const url = await freshDatabase();
    const adminUrl = Object.assign(new URL(url), { pathname: '/postgres' }).href;
    const mount = tempDir('tt-pgfull-');
    chmodSync(mount, 0o755);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    chownSync(mount, pgUser!.uid, pgUser!.gid);
    const space = `tt_full_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const log = makeLog();
    try {
      await admin.query(`CREATE TABLESPACE ${space} LOCATION '${mount}'`);
      const s = await serve(['--log', log, '--database', url]); // creates the tables
      expect((await upload(s.url, week, canonical(3, 0))).status).toBe(200);
      await admin.query(`ALTER TABLE tt_reports SET TABLESPACE ${space}`);
      for (const index of ['tt_reports_pkey', 'tt_reports_day']) {
        await admin.query(`ALTER INDEX ${index} SET TABLESPACE ${space}`);
      }
      writeFileSync(join(mount, 'filler'), Buffer.alloc(statfsFree(mount) - 64 * 1024));
      const all = Array.from({ length: 1500 }, (_, i) => canonical(3, i + 1));
      const first = await load([s.url], all, 16);
      const refused = first.filter((result) => result.status !== 200);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((result) => result.status === 503)).toBe(true);
      const acked = new Set([canonical(3, 0)]);
      for (const r of first) if (r.status === 200) acked.add(r.body);
      expect(await s.stop()).toBe(0);
      const rows = await admin.query<{ body: string }>('SELECT body FROM tt_reports');
      expect(new Set(rows.rows.map((row) => row.body))).toEqual(acked); // nothing half-stored

      rmSync(join(mount, 'filler'));
      const again = await serve(['--log', log, '--database', url]);
      const retry = await load([again.url], all, 16);
      expect(retry.filter((result) => result.status !== 200)).toEqual([]);
      for (const r of retry) {
        expect(JSON.parse(r.answer).status).toBe(acked.has(r.body) ? 'duplicate' : 'stored');
      }
      expect(await again.stop()).toBe(0);
      const count = await admin.query<{ n: string }>('SELECT count(*) AS n FROM tt_reports');
      expect(Number(count.rows[0]!.n)).toBe(all.length + 1);
    } finally {
      await admin.end();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
      await cleanup.query(`DROP TABLESPACE IF EXISTS ${space}`);
      await cleanup.end();
      execFileSync('umount', ['-l', mount]);
    }
  });
});
