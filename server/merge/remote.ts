// What the merge worker still asks of the store the main thread holds, across a MessagePort:
// the merge lock, the list of unmerged days, and marking a day merged. Each is one small message
// whatever the size of the day: the day's reports and the published files never cross here
// (the worker reads and writes them through its own connection, worker-store.ts). These stay
// on the main thread because they belong to the store the server holds: SQLite's lock and its
// one writer (whose short transactions interleave with the uploads' batches), PostgreSQL's
// advisory lock on a connection of the server's pool, released if the worker dies.
import type { MessagePort } from 'node:worker_threads';
import type { Store } from '../store/index.js';

/** The part of a Store the merge worker borrows from the main thread. */
export type LentStore = Pick<Store, 'unmergedDays' | 'markMerged' | 'withMergeLock' | 'healthy'>;

type Op = 'unmergedDays' | 'markMerged' | 'healthy' | 'lock' | 'unlock';
interface Call {
  id: number;
  op: Op;
  args: unknown[];
}
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/**
 * Main side: answers the worker's store calls on `port` until it closes. `releaseLock` frees a
 * lock the worker still holds (it died). `observe` (tests) sees every message either way.
 */
export function serveStore(
  port: MessagePort,
  store: Store,
  observe?: (message: unknown) => void,
): { releaseLock(): void } {
  let release: (() => void) | null = null;
  let held: Promise<unknown> = Promise.resolve();
  const run = async (call: Call): Promise<unknown> => {
    const args = call.args;
    switch (call.op) {
      case 'unmergedDays':
        return store.unmergedDays();
      case 'markMerged':
        return store.markMerged(args[0] as string, args[1] as boolean);
      case 'healthy':
        return store.healthy();
      case 'lock':
        throw new Error('lock is answered by takeLock');
      case 'unlock': {
        release?.();
        release = null;
        await held;
        return undefined;
      }
    }
  };
  const answer = (callId: number, value: unknown): void => {
    observe?.(value);
    port.postMessage({ id: callId, ok: true, value } satisfies Reply);
  };
  const fail = (callId: number, error: unknown): void => {
    port.postMessage({
      id: callId,
      ok: false,
      error: (error as Error)?.message ?? String(error),
    } satisfies Reply);
  };
  /** The lock is held on this side for as long as the worker's merge runs, until `unlock`. */
  const takeLock = (callId: number): void => {
    held = store.withMergeLock(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          answer(callId, true);
        }),
    );
    held.then(
      (result) => (result === null ? answer(callId, false) : undefined),
      (error: unknown) => fail(callId, error),
    );
  };
  port.on('message', (call: Call) => {
    observe?.(call);
    if (call.op === 'lock') return takeLock(call.id);
    run(call).then(
      (value) => answer(call.id, value),
      (error: unknown) => fail(call.id, error),
    );
  });
  return {
    releaseLock: () => {
      release?.();
      release = null;
    },
  };
}

/** Worker side: the lent part of the store, its calls answered by `serveStore` across `port`. */
export function remoteStore(port: MessagePort): LentStore {
  let nextId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  port.on('message', (reply: Reply) => {
    const caller = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!caller) return;
    if (reply.ok) caller.resolve(reply.value);
    else caller.reject(new Error(reply.error));
  });
  const call = <T>(operation: Op, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      port.postMessage({ id, op: operation, args } satisfies Call);
    });
  return {
    unmergedDays: () => call('unmergedDays'),
    markMerged: (day, dropRaw) => call('markMerged', day, dropRaw),
    async withMergeLock(work) {
      if (!(await call<boolean>('lock'))) return null;
      try {
        return await work();
      } finally {
        await call('unlock');
      }
    },
    healthy: () => call('healthy'),
  };
}
