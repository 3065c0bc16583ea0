// The report: what leaves a machine, once per (collector, week). Its JSON is Go's `Report`
// (golang.org/x/telemetry/internal/telemetry), key for key, so that one collector and Go's own
// tooling read reports from Go programs and from Node tools alike. Node tools put the runtime
// (`node22.11.0`, the count file's `Runtime`) under `GoVersion`, `process.platform` under
// `GOOS` and `process.arch` under `GOARCH`. No field may carry an ID, a host, a path, a user
// string or a time finer than the week.

export interface ProgramReport {
  Program: string;
  Version: string;
  /** The runtime: `node<version>` for Node tools, `go1.x.y` for Go programs. */
  GoVersion: string;
  GOOS: string;
  GOARCH: string;
  /** Counter name → count. Counts are whole numbers in [0, 2^64−1]; bigint above 2^53−1. */
  Counters: Record<string, number | bigint>;
  /** Stack-counter name (decoded, with newlines) → count. */
  Stacks: Record<string, number | bigint>;
}

/**
 * A Go runtime (`go1.23.4`, `devel go1.24-…`), as Go's uploader writes GoVersion. Go's report
 * keeps counts as int64, so it writes a count of 2^63 or more wrapped to a negative number (a
 * saturated 2^64−1 as -1): for these entries, and only these, a negative count means count + 2^64.
 */
export function isGoRuntime(runtime: string): boolean {
  return /^(?:go1\.\d|devel )/.test(runtime);
}

export interface Report {
  /** The last day of the week covered, `YYYY-MM-DD` (the count files' `TimeEnd` date). */
  Week: string;
  /** `Week` of the previous report this machine sent to the same collector, or "". */
  LastWeek: string;
  /** The sampling draw, in (0, 1]: the report is kept if X ≤ SampleRate, a counter if X ≤ its Rate. */
  X: number;
  Programs: ProgramReport[] | null;
  /** The version of the collection config the report was filtered by (its log index, `v<index>`), or "". */
  Config: string;
}

/**
 * How old a week may be, in days after its last day, and still be sent. The client never sends
 * an older one and the server refuses an older one: the same constant on both sides.
 */
export const UPLOAD_WINDOW_DAYS = 21;

/** Largest accepted request body, bytes; the client never builds a larger report. */
export const MAX_REPORT_BYTES = 100 * 1024;

/** Path of a week's upload under a collector's base URL: `<url>/upload/<week>`. */
export function uploadPath(week: string): string {
  return `upload/${week}`;
}
