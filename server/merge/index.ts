// Merging stored reports into what a collector publishes (docs/publication.md): the per-day NDJSON of
// raw reports (`raw` mode), per-week aggregates as JSON and CSV, and the privacy ledger
// (`aggregates` mode). Pure functions over reports and partial sums, and one run over a Store.
export {
  type CounterRow,
  type PublicCell,
  type PublishMode,
  type ValueRow,
  type WeekAggregate,
  buildAggregate,
  bucketOf,
} from './aggregate.js';
export { MAX_STACKS_PER_WEEK, MAX_VERSIONS_PER_WEEK, OTHER, WeekLabels } from './fold.js';
export {
  type Budget,
  DEFAULT_BUDGET,
  SIDE_SHARE,
  checkBudget,
  labelThreshold,
  perCount,
} from './budget.js';
export { CLIP, type Cell, type WeekCells, addReport, addWeek, runtimeMajor } from './cell.js';
export { aggregateToCSV, CSV_HEADER } from './csv.js';
export { LEDGER, type Ledger, type Release, readLedger, sums as ledgerSums } from './ledger.js';
export { cryptoUniform, geometricNoise, type Uniform } from './noise.js';
export { type MergeReport, asLine, parseReport } from './report.js';
export { MERGE_HEAP_MB, type WorkerInput, type WorkerRun, mergeInWorker } from './in-worker.js';
export { type LentStore, remoteStore, serveStore } from './remote.js';
export { workerStore } from './worker-store.js';
export {
  type MergeOptions,
  type MergeResult,
  PART_BYTES,
  aggregatePath,
  isFinal,
  mergedPartPath,
  mergedPath,
  runMerge,
} from './run.js';
export { type Count, addCount, stringifyExact } from './sum.js';
export { addDays, isClosed, lastArrival, utcDay, weekOf } from './week.js';
