// Merging stored reports into what a collector publishes (DESIGN §17): the per-day NDJSON of
// raw reports (`raw` mode), per-week aggregates as JSON and CSV, and the privacy ledger
// (`aggregates` mode). Pure functions over reports and partial sums, and one run over a Store.
export { type CounterRow, type PublicCell, type PublishMode, type ValueRow, type WeekAggregate, buildAggregate, bucketOf } from './aggregate.js';
export { CLIP, type Cell, type WeekCells, addReport, addWeek, runtimeMajor } from './cell.js';
export { aggregateToCSV, CSV_HEADER } from './csv.js';
export { LEDGER, type Ledger, type Release, readLedger } from './ledger.js';
export { cryptoUniform, geometricNoise, type Uniform } from './noise.js';
export { BIG_MARK, type MergeReport, asLine, parseReport, quoteBigIntegers } from './report.js';
export { type MergeOptions, type MergeResult, aggregatePath, isFinal, mergedPath, runMerge } from './run.js';
export { type Count, addCount, stringifyExact } from './sum.js';
export { addDays, isClosed, lastArrival, utcDay, weekOf } from './week.js';
