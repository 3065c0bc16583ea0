// The merge worker's entry (built to server/dist/merge-worker.js): runs one merge on the store
// the main thread lends it over a MessagePort (server/merge/remote.ts), renders the data pages
// from what it published and writes them into the store, then posts the result. Started by
// `mergeInWorker` for each scheduled run; it ends when the run does.
import { parentPort, workerData } from 'node:worker_threads';
import { type WorkerInput, remoteStore, runMerge } from '../merge/index.js';
import { publishDataPages } from './render.js';

const input = workerData as WorkerInput;
const store = remoteStore(input.port);
const mode = { publish: input.options.publish, k: input.options.k, epsilon: input.options.epsilon };

async function run() {
  const result = await runMerge(store, { ...input.options, now: new Date(input.options.now) });
  // Rendered after every run, even one that merged nothing: a replica's merge may have.
  try {
    await publishDataPages(store, mode);
  } catch (e) {
    // The days are merged and marked; only the pages lag until the next run renders them.
    throw new Error(`merged, but the pages could not be rendered: ${(e as Error).message}`, { cause: e });
  }
  return result;
}

run()
  .then((result) => parentPort!.postMessage({ ok: true, result }))
  .catch((e: unknown) => {
    parentPort!.postMessage({ ok: false, error: (e as Error)?.message ?? String(e) });
  })
  .finally(() => input.port.close());
