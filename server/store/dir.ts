// The embedded store: a directory that one server process owns (LOCK holds its pid).
//   days/<day>/<segment>.ndjson   accepted reports, one JSON line each {week, x, hash, body}
//   days/<day>/merged.json        the segments markMerged saw ({"segments": [...]})
//   days/<day>/keys-<n>.ndjson    the (week, X, hash) of reports dropped after merging
//   published/<name>              files the merge publishes
// Group commit: every put waiting while a batch is written goes into the next batch, and a
// batch is appended to the day's open segment with one O_DSYNC write (segments.ts),
// so a report is acknowledged only once it is on disk, with one sync per batch, not per report.
// Duplicates are found in an in-memory index of (week, X) → SHA-256 of the body, loaded at
// start from the days a report still inside the upload window can have arrived on.
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UPLOAD_WINDOW_DAYS } from '../../upload/index.js';
import { acquireLock, releaseLock } from './lock.js';
import { makeDurableDir, syncDir, writeDurable } from './files.js';
import { SEGMENT, readSegment, segmentWriter } from './segments.js';
import { PUBLISHED_NAME, addDays, todayUTC } from './names.js';
import type { PutResult, Store, StoredReport } from './types.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const KEYS = /^keys-\d{13}-\d+-\d+\.ndjson$/;
/** Days back from today whose keys are kept: a report inside the window arrived no earlier. */
const KEY_HORIZON_DAYS = UPLOAD_WINDOW_DAYS + 1;

interface Key { hash: string; done: Promise<void> }
interface Pending { day: string; line: string; resolve: () => void; reject: (e: unknown) => void }

/** Node's one-shot `crypto.hash` (20.12+) skips a Hash object per report; older Nodes take the long way. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
export const sha256 = (s: string): string => (oneShot ? oneShot('sha256', s, 'hex') : createHash('sha256').update(s).digest('hex'));
const keyOf = (week: string, x: string): string => `${week} ${x}`;

export async function openDirStore(root: string, now: () => Date = () => new Date()): Promise<Store> {
  const days = join(root, 'days');
  await makeDurableDir(days);
  await acquireLock(join(root, 'LOCK'));
  const index = new Map<string, Key>();
  const keysByDay = new Map<string, string[]>();
  let seq = 0;
  let pending: Pending[] = [];
  let writing: Promise<void> | null = null;
  const segments = segmentWriter(days);
  let merging = false;

  const remember = (day: string, key: string, hash: string, done: Promise<void>): void => {
    index.set(key, { hash, done });
    let list = keysByDay.get(day);
    if (!list) {
      keysByDay.set(day, (list = []));
      prune();
    }
    list.push(key);
  };
  /** Forgets keys of days before the horizon: no report inside the window can repeat them. */
  const prune = (): void => {
    const horizon = addDays(todayUTC(now()), -KEY_HORIZON_DAYS);
    for (const [day, keys] of keysByDay) {
      if (day >= horizon) continue;
      for (const k of keys) index.delete(k);
      keysByDay.delete(day);
    }
  };

  const dayNames = async (): Promise<string[]> => (await readdir(days)).filter((d) => DAY.test(d)).sort();
  const filesOf = async (day: string): Promise<string[]> => {
    try {
      return (await readdir(join(days, day))).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  };
  const linesOf = (file: string) => readSegment<{ week: string; x: string; hash: string; body?: string }>(file);

  // Load the keys, and clear temporary files a crash left (never acknowledged).
  const horizon = addDays(todayUTC(now()), -KEY_HORIZON_DAYS);
  for (const day of await dayNames()) {
    for (const f of await filesOf(day)) {
      if (f.endsWith('.tmp')) await rm(join(days, day, f), { force: true });
      else if (day >= horizon && (SEGMENT.test(f) || KEYS.test(f))) {
        for (const r of await linesOf(join(days, day, f))) remember(day, keyOf(r.week, r.x), r.hash, Promise.resolve());
      }
    }
  }

  /** Appends everything pending, one batch per day, then resolves its puts; one writer at a time. */
  const flush = async (): Promise<void> => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      const byDay = new Map<string, Pending[]>();
      for (const p of batch) (byDay.get(p.day) ?? byDay.set(p.day, []).get(p.day)!).push(p);
      for (const [day, ps] of byDay) {
        try {
          await segments.append(day, ps.map((p) => p.line).join(''));
          for (const p of ps) p.resolve();
        } catch (e) {
          for (const p of ps) p.reject(e);
        }
      }
    }
    writing = null;
  };

  const store: Store = {
    async put(r: StoredReport): Promise<PutResult> {
      const key = keyOf(r.week, r.x);
      const hash = sha256(r.body);
      const seen = index.get(key);
      if (seen) {
        await seen.done; // the same report still being written: answer once it is durable
        return seen.hash === hash ? 'duplicate' : 'conflict';
      }
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      done.catch(() => index.delete(key)); // not stored: a retry may store it
      remember(r.day, key, hash, done);
      pending.push({ day: r.day, line: JSON.stringify({ week: r.week, x: r.x, hash, body: r.body }) + '\n', resolve, reject });
      // The batch starts after this turn's I/O callbacks: every request read in the same turn joins it.
      writing ??= new Promise<void>((res) => setImmediate(res)).then(flush);
      await done;
      return 'stored';
    },

    async unmergedDays(): Promise<string[]> {
      const out: string[] = [];
      for (const day of await dayNames()) {
        const merged = await mergedSegments(day);
        if ((await filesOf(day)).some((f) => SEGMENT.test(f) && !merged.has(f))) out.push(day);
      }
      return out;
    },

    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      if (!DAY.test(day)) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
      const all: StoredReport[] = [];
      for (const f of (await filesOf(day)).filter((f) => SEGMENT.test(f))) {
        for (const r of await linesOf(join(days, day, f))) all.push({ week: r.week, x: r.x, day, body: r.body ?? '' });
      }
      all.sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
      yield* all;
    },

    async markMerged(day: string, dropRaw: boolean): Promise<void> {
      if (!DAY.test(day)) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
      await segments.rotate(day); // reports arriving from now on go to a segment not yet merged
      const seen = (await filesOf(day)).filter((f) => SEGMENT.test(f));
      const merged = await mergedSegments(day);
      await writeDurable(join(days, day, 'merged.json'), JSON.stringify({ segments: [...new Set([...merged, ...seen])].sort() }));
      if (!dropRaw || seen.length === 0) return;
      // Keep the keys (the dedup must outlive the bodies), then drop the bodies.
      const keys: string[] = [];
      for (const f of seen) for (const r of await linesOf(join(days, day, f))) keys.push(JSON.stringify({ week: r.week, x: r.x, hash: r.hash }) + '\n');
      await writeDurable(join(days, day, `keys-${Date.now()}-${process.pid}-${seq++}.ndjson`), keys.join(''));
      for (const f of seen) await rm(join(days, day, f), { force: true });
      await syncDir(join(days, day));
    },

    async withMergeLock<T>(fn: () => Promise<T>): Promise<T | null> {
      if (merging) return null; // one process owns the directory, so an in-process flag is the lock
      merging = true;
      try {
        return await fn();
      } finally {
        merging = false;
      }
    },

    async putPublished(name: string, bytes: Uint8Array): Promise<void> {
      await writeDurable(publishedPath(root, name), bytes);
    },

    async getPublished(name: string): Promise<Uint8Array | null> {
      try {
        return new Uint8Array(await readFile(publishedPath(root, name)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return null;
        throw e;
      }
    },

    async listPublished(prefix: string): Promise<string[]> {
      const base = join(root, 'published');
      let names: string[];
      try {
        names = (await readdir(base, { recursive: true, withFileTypes: true }))
          .filter((d) => d.isFile() && !d.name.endsWith('.tmp'))
          .map((d) => join(d.parentPath, d.name).slice(base.length + 1));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      return names.filter((n) => n.startsWith(prefix) && PUBLISHED_NAME.test(n)).sort();
    },

    async healthy(): Promise<boolean> {
      try {
        await readdir(days);
        return true;
      } catch {
        return false;
      }
    },

    async close(): Promise<void> {
      while (writing) await writing;
      await segments.close();
      await releaseLock(join(root, 'LOCK'));
    },
  };

  async function mergedSegments(day: string): Promise<Set<string>> {
    try {
      return new Set((JSON.parse(await readFile(join(days, day, 'merged.json'), 'utf8')) as { segments: string[] }).segments);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw new Error(`store ${join(days, day, 'merged.json')}: ${(e as Error).message}`);
    }
  }
  return store;
}

function publishedPath(root: string, name: string): string {
  if (!PUBLISHED_NAME.test(name)) throw new Error(`published name ${JSON.stringify(name)} is not a relative path of [A-Za-z0-9._-] parts`);
  return join(root, 'published', name);
}
