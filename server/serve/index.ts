// The collection server's face: `startServer` (server.ts) and what its callers configure it
// with; intake's canonical form of a report, which the merge and import-dir share.
export type { Extension } from './app.js';
export { canonicalBody, canonicalX } from './canonical.js';
export { stderrLogger } from './log.js';
export { type Metrics, countingLogger } from './metrics.js';
export { type RunningServer, type ServeOptions, startServer } from './server.js';
