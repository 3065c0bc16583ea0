// A few Prometheus metrics (text format 0.0.4) counted from the log lines the server writes
// anyway, so no request path carries metric code: uploads by status and reason (the refusal's
// code, a small fixed set), merges by outcome and the time of the last good one. No label ever
// holds a client's address, a path or a report's content.
import type { Logger, LogFields } from './log.js';
import { UPLOAD_ROUTE } from './upload.js';

export interface Metrics {
  /** Counts what passes through, then hands it to `inner`. */
  logger: Logger;
  /** The metrics in Prometheus text format. */
  text(): string;
}

/** Distinct label sets kept per metric: a bound, whatever the log lines hold. */
const MAX_SERIES = 200;
const LABEL = /^[A-Za-z0-9_.:/-]{1,64}$/;

export function countingLogger(inner: Logger): Metrics {
  const uploads = new Map<string, number>();
  const merges = new Map<string, number>();
  let lastMergeOk = 0;
  const bump = (m: Map<string, number>, key: string) => {
    if (m.has(key) || m.size < MAX_SERIES) m.set(key, (m.get(key) ?? 0) + 1);
  };
  const label = (v: LogFields[string]) =>
    (v !== undefined && LABEL.test(String(v)) ? String(v) : 'other');
  const count = (f: LogFields): void => {
    if (f.route === UPLOAD_ROUTE && f.method === 'POST') {
      bump(uploads, `status="${label(f.status)}",reason="${label(f.reason)}"`);
    } else if (f.event === 'merge') {
      bump(merges, `ok="${f.ok === true}"`);
      if (f.ok === true) lastMergeOk = Date.now() / 1000;
    }
  };
  const lines = (name: string, help: string, m: Map<string, number>): string[] => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...[...m].sort().map(([labels, n]) => `${name}{${labels}} ${n}`),
  ];
  return {
    logger: {
      log(fields) {
        count(fields);
        inner.log(fields);
      },
      flush: () => inner.flush(),
    },
    text: () => [
      ...lines('telemetry_uploads_total', 'Uploads answered, by HTTP status and reason.', uploads),
      ...lines('telemetry_merges_total', 'Merge runs that merged something or failed.', merges),
      '# HELP telemetry_last_merge_ok_timestamp_seconds When a merge last succeeded (0: not yet).',
      '# TYPE telemetry_last_merge_ok_timestamp_seconds gauge',
      `telemetry_last_merge_ok_timestamp_seconds ${lastMergeOk}`,
      '',
    ].join('\n'),
  };
}
