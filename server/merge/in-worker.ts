// Runs one merge in a worker thread, so the intake on the main thread keeps answering while a
// day is read, parsed and summed: the worker opens its own connection to the store (where it
// lives crosses, StoreLocation) to read the day and write what it publishes; the main thread
// lends it only the lock, the list of days and marking a day merged (remote.ts), a few small
// messages per run whatever the day holds. The worker's heap is capped: a merge that would need more dies alone
// (ERR_WORKER_OUT_OF_MEMORY), its lock is released, and the server goes on.
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Store, StoreLocation } from '../store/index.js';
import { serveStore } from './remote.js';
import type { MergeOptions, MergeResult } from './run.js';

/** What the worker entry (server/pages/merge-worker.ts) is given. */
export interface WorkerInput {
  port: MessagePort;
  /** Where the worker opens its own connection to the store. */
  location: StoreLocation;
  options: Omit<MergeOptions, 'now' | 'uniform'> & { now: string };
}

/** The worker's old-generation heap, MB: cells of a bounded week fit many times over. */
export const MERGE_HEAP_MB = 512;

export interface WorkerRun {
  /** The built worker entry (server/dist/merge-worker.js). */
  workerFile: URL;
  heapMb?: number;
  /** Tests: sees every message that crosses the main thread (the worker's calls, their answers). */
  observe?: (message: unknown) => void;
}

type Outcome = { ok: true; result: MergeResult | null } | { ok: false; error: string };

export function mergeInWorker(
  store: Store,
  options: MergeOptions,
  run: WorkerRun,
): Promise<MergeResult | null> {
  const location = store.location;
  if (!location) {
    return Promise.reject(
      new Error('the merge worker needs a store it can open itself (no location)'),
    );
  }
  const { port1, port2 } = new MessageChannel();
  const lent = serveStore(port1, store, run.observe);
  // Every option crosses but the random source, a function (the worker uses the crypto one).
  const { now, uniform: _random, ...rest } = options;
  const input: WorkerInput = {
    port: port2,
    location,
    options: { ...rest, now: now.toISOString() },
  };
  const worker = new Worker(run.workerFile, {
    workerData: input,
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: run.heapMb ?? MERGE_HEAP_MB },
    stdout: false,
    stderr: false,
  });
  return new Promise<MergeResult | null>((resolve, reject) => {
    let answer: Outcome | null = null;
    worker.on('message', (outcome: Outcome) => (answer = outcome));
    worker.on('error', (error) => {
      answer ??= { ok: false, error: `merge worker: ${error.message}` };
    });
    worker.on('exit', (code) => {
      lent.releaseLock(); // a worker that died holding it must not keep other merges out
      port1.close();
      if (answer?.ok) resolve(answer.result);
      else reject(new Error(answer?.error ?? `merge worker exited with code ${code}`));
    });
  });
}
