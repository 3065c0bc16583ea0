// A report on the wire: Go's `Report` shape, its byte encoding (Go's encoding/json), the one
// reader of JSON with big integers, and the constants client and collector must agree on (the
// size limit, the upload window). The uploader builds and reads reports with it; the collector
// checks and reads them with it, so the two sides agree by construction. docs/upload.md.
export {
  MAX_REPORT_BYTES,
  type ProgramReport,
  type Report,
  UPLOAD_WINDOW_DAYS,
  isGoRuntime,
  uploadPath,
} from './report.js';
export { decodeReport, encodeReport, goFloat } from './json.js';
export { BIG_MARK, parseBigJson, quoteBigIntegers } from './big-json.js';
