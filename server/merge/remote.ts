// A Store across a MessagePort, so the merge can run in a worker thread while the store (the
// one the server already holds open: a directory owned by one process, a SQLite handle, a
// PostgreSQL pool) stays on the main thread. The main thread only does the store's own I/O
// and copies messages; parsing, summing and rendering happen in the worker. A day's reports
// cross in batches pulled by the worker, so neither side holds a day.
import type { MessagePort } from 'node:worker_threads';
import type { Store, StoredReport } from '../store/index.js';

/** Reports per message: large enough that messaging costs little, small enough to stay bounded. */
export const BATCH = 256;

type Op =
  | 'unmergedDays' | 'markMerged' | 'putPublished' | 'getPublished' | 'listPublished' | 'healthy'
  | 'lock' | 'unlock' | 'open' | 'next' | 'closeIter';
type Batch = { reports: StoredReport[]; done: boolean };
interface Call { id: number; op: Op; args: unknown[] }
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/**
 * Main side: answers the worker's store calls on `port` until it closes. `releaseLock` frees a
 * lock the worker still holds (it died) and closes the days it had open.
 */
export function serveStore(port: MessagePort, store: Store): { releaseLock(): void } {
  const iterators = new Map<number, AsyncIterator<StoredReport>>();
  let nextIter = 0;
  let release: (() => void) | null = null;
  let held: Promise<unknown> = Promise.resolve();
  const pull = async (iter: number, most: number): Promise<Batch> => {
    const iterator = iterators.get(iter);
    if (!iterator) throw new Error(`no open day ${iter}`);
    const reports: StoredReport[] = [];
    while (reports.length < most) {
      const step = await iterator.next();
      if (step.done) {
        iterators.delete(iter);
        return { reports, done: true };
      }
      reports.push(step.value);
    }
    return { reports, done: false };
  };
  const run = async (call: Call): Promise<unknown> => {
    const args = call.args;
    switch (call.op) {
      case 'unmergedDays': return store.unmergedDays();
      case 'markMerged': return store.markMerged(args[0] as string, args[1] as boolean);
      case 'putPublished': return store.putPublished(args[0] as string, args[1] as Uint8Array);
      case 'getPublished': return store.getPublished(args[0] as string);
      case 'listPublished': return store.listPublished(args[0] as string);
      case 'healthy': return store.healthy();
      case 'lock': throw new Error('lock is answered by takeLock');
      case 'unlock': {
        release?.();
        release = null;
        await held;
        return undefined;
      }
      case 'open': {
        iterators.set(++nextIter, store.reportsOf(args[0] as string)[Symbol.asyncIterator]());
        return nextIter;
      }
      case 'next': return pull(args[0] as number, BATCH);
      case 'closeIter': {
        await iterators.get(args[0] as number)?.return?.();
        iterators.delete(args[0] as number);
        return undefined;
      }
    }
  };
  const answer = (id: number, value: unknown): void => {
    port.postMessage({ id, ok: true, value } satisfies Reply);
  };
  const fail = (id: number, e: unknown): void => {
    port.postMessage({ id, ok: false, error: (e as Error)?.message ?? String(e) } satisfies Reply);
  };
  /** The lock is held on this side for as long as the worker's merge runs, until `unlock`. */
  const takeLock = (id: number): void => {
    held = store.withMergeLock(() => new Promise<void>((resolve) => {
      release = resolve;
      answer(id, true);
    }));
    held.then((r) => (r === null ? answer(id, false) : undefined), (e: unknown) => fail(id, e));
  };
  port.on('message', (call: Call) => {
    if (call.op === 'lock') return takeLock(call.id);
    run(call).then((value) => answer(call.id, value), (e: unknown) => fail(call.id, e));
  });
  return {
    releaseLock: () => {
      release?.();
      release = null;
      for (const it of iterators.values()) void it.return?.()?.catch(() => undefined);
      iterators.clear();
    },
  };
}

/** Worker side: a Store whose calls go to `serveStore` on the other end of `port`. */
export function remoteStore(port: MessagePort): Store {
  let nextId = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  port.on('message', (r: Reply) => {
    const w = waiting.get(r.id);
    waiting.delete(r.id);
    if (!w) return;
    if (r.ok) w.resolve(r.value);
    else w.reject(new Error(r.error));
  });
  const call = <T>(op: Op, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage({ id, op, args } satisfies Call);
    });
  return {
    put: () => Promise.reject(new Error('the merge worker stores no reports')),
    unmergedDays: () => call('unmergedDays'),
    reportsOf: (day) => batches(day, call),
    markMerged: (day, dropRaw) => call('markMerged', day, dropRaw),
    async withMergeLock(fn) {
      if (!(await call<boolean>('lock'))) return null;
      try {
        return await fn();
      } finally {
        await call('unlock');
      }
    },
    putPublished: (name, bytes) => call('putPublished', name, bytes),
    getPublished: async (name) => {
      const bytes = await call<Uint8Array | null>('getPublished', name);
      return bytes === null ? null : new Uint8Array(bytes);
    },
    listPublished: (prefix) => call('listPublished', prefix),
    healthy: () => call('healthy'),
    close: async () => port.close(),
  };
}

type Caller = <T>(op: Op, ...args: unknown[]) => Promise<T>;

async function* batches(day: string, call: Caller): AsyncGenerator<StoredReport> {
  const iter = await call<number>('open', day);
  let done = false;
  try {
    while (!done) {
      const batch = await call<Batch>('next', iter);
      done = batch.done;
      yield* batch.reports;
    }
  } finally {
    if (!done) await call('closeIter', iter);
  }
}
