// The merge worker's entry (built to server/dist/merge-worker.js): runs one merge on the store
// the main thread lends it over a MessagePort (remote.ts) and posts the result. Started by
// `mergeInWorker` (in-worker.ts) for each scheduled run; it ends when the run does.
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { remoteStore } from './remote.js';
import { type MergeOptions, runMerge } from './run.js';

export interface WorkerInput {
  port: MessagePort;
  options: Omit<MergeOptions, 'now' | 'uniform'> & { now: string };
}

const input = workerData as WorkerInput;
const store = remoteStore(input.port);
runMerge(store, { ...input.options, now: new Date(input.options.now) })
  .then((result) => parentPort!.postMessage({ ok: true, result }))
  .catch((e: unknown) => parentPort!.postMessage({ ok: false, error: (e as Error)?.message ?? String(e) }))
  .finally(() => input.port.close());
