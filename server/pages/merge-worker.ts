// The merge worker's entry (built to server/dist/merge-worker.js): opens its own connection to
// the store (server/store/merge-access.ts), runs one merge reading the day through it and
// borrowing the lock and the day marks from the main thread (server/merge/remote.ts), renders
// the data pages from what it published and writes them, then posts the result. Started by
// `mergeInWorker` for each scheduled run; it ends when the run does.
import { parentPort, workerData } from 'node:worker_threads';
import { type WorkerInput, remoteStore, runMerge, workerStore } from '../merge/index.js';
import { openMergeAccess } from '../store/index.js';
import { publishDataPages } from './render.js';

const input = workerData as WorkerInput;
const mode = { publish: input.options.publish, k: input.options.k, epsilon: input.options.epsilon };

async function run() {
  const store = workerStore(remoteStore(input.port), await openMergeAccess(input.location));
  try {
    const result = await runMerge(store, { ...input.options, now: new Date(input.options.now) });
    // Rendered after every run, even one that merged nothing: a replica's merge may have.
    try {
      await publishDataPages(store, mode);
    } catch (error) {
      // The days are merged and marked; only the pages lag until the next run renders them.
      const why = (error as Error).message;
      throw new Error(`merged, but the pages could not be rendered: ${why}`, { cause: error });
    }
    return result;
  } finally {
    await store.close();
  }
}

run()
  .then((result) => parentPort!.postMessage({ ok: true, result }))
  .catch((error: unknown) => {
    parentPort!.postMessage({ ok: false, error: (error as Error)?.message ?? String(error) });
  })
  .finally(() => input.port.close());
