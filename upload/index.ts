// transparent-telemetry's uploader: weekly reports built from count files, filtered by the
// collector's verified config, sampled, and sent exactly once to each program's own collector.
// The server (`telemetry-server`) imports the report's shape and the window from here, so
// the two sides agree by construction. DESIGN.md §14.
export { MAX_REPORT_BYTES, type ProgramReport, type Report, UPLOAD_WINDOW_DAYS, uploadPath } from './report.js';
