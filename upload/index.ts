// transparent-telemetry's uploader: weekly reports built from count files, filtered by the
// collector's verified config, sampled, and sent exactly once to each program's own collector.
// The report's wire format lives in report/ (shared with the server); the uploader's callers get
// what they need of it here too. docs/upload.md.
export {
  MAX_REPORT_BYTES,
  type ProgramReport,
  type Report,
  UPLOAD_WINDOW_DAYS,
  isGoRuntime,
  uploadPath,
  decodeReport,
  encodeReport,
  goFloat,
  BIG_MARK,
  parseBigJson,
  quoteBigIntegers,
} from '../report/index.js';
export { type RunOptions, runPhases, runUpload } from './run.js';
export { type RunSummary, type WeekEntry } from './summary.js';
export { SEND_WINDOW_DAYS } from './collector.js';
export type { Phase } from './context.js';
export { KEEP_WEEKS } from './cleanup.js';
export { drawX } from './random.js';
export {
  type CollectorPaths,
  collectorId,
  collectorPaths,
  localReportPath,
  trustDir,
  weekFiles,
  CID_RE,
  WEEK_RE,
} from './paths.js';
export {
  type CollectorStatus,
  type Dropped,
  listNames,
  readCollector,
  readStatus,
} from './store.js';
export { classify, POST_TIMEOUT_MS } from './send.js';
export { type Proxy, type Route, noProxy, parseProxy, proxyLabel, routeFor } from './proxy.js';
export { agentFor } from './tunnel.js';
export { ProxyError } from './handshake.js';
export { LOCK_MAX_MS, isStale, tryLock } from './lock.js';
export { type Omission, collectorReport, localReport } from './build.js';
export { type ProgramMarks, programMarks } from './marks.js';
