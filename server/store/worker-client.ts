// The main thread's side of the SQLite worker (sqlite-worker.ts): starts it, sends requests,
// matches answers by id. The worker keeps the process alive only while a request is waiting,
// so a command that forgot nothing exits when its work is done. If the worker dies, every
// waiting request and every later one fails (the server answers 503; /healthz reports it).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SQLITE_HAS_OLD_MERGED, SQLITE_MIGRATE } from './schema.js';
import { type RowIn, type WorkerInit, type WorkerOp, sqliteWorkerMain } from './sqlite-worker.js';
import { makeGroupSync } from './group-sync.js';

export type { RowIn };

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}
interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface WorkerClient {
  call<T>(operation: WorkerOp, ...args: unknown[]): Promise<T>;
  /** Whether the worker is running. */
  alive(): boolean;
  /** Closes the database (after the requests already sent) and ends the thread. */
  close(): Promise<void>;
}

/** The binding: node:sqlite's API on every supported Node (docs/sqlite-binding.md says why). */
const BINDING = '@photostructure/sqlite';

export async function startWorker(
  file: string,
  schema: string,
  syncEachCommit = true,
): Promise<WorkerClient> {
  const modulePath = createRequire(import.meta.url).resolve(BINDING);
  const init: WorkerInit = {
    modulePath,
    file,
    schema,
    syncEachCommit,
    oldSchema: SQLITE_HAS_OLD_MERGED,
    migrate: SQLITE_MIGRATE,
  };
  const source = `(${String(sqliteWorkerMain)})(require, ${String(makeGroupSync)})`;
  const worker = new Worker(source, { eval: true, workerData: init });
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let failure: Error | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (error: Error): void => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('error', (error) => fail(new Error(`store ${file}: ${error.message}`)));
  worker.on('exit', (code) => fail(new Error(`store ${file}: its thread ended (${code})`)));

  const ready = new Promise<void>((resolve, reject) => {
    waiting.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if (reply.ok) w.resolve(reply.value);
    else w.reject(new Error(`store ${file}: ${reply.error}`));
  });
  await ready;
  worker.unref();

  const call = <T>(operation: WorkerOp, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ id, op: operation, args });
    });

  return {
    call,
    alive: () => failure === null,
    async close() {
      if (failure === null) {
        worker.ref();
        worker.postMessage({ id: -1, op: 'close', args: [] });
      }
      await exited;
    },
  };
}
