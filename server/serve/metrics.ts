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
  const bump = (series: Map<string, number>, key: string) => {
    if (series.has(key) || series.size < MAX_SERIES) series.set(key, (series.get(key) ?? 0) + 1);
  };
  const label = (value: LogFields[string]) =>
    value !== undefined && LABEL.test(String(value)) ? String(value) : 'other';
  const count = (fields: LogFields): void => {
    if (fields.route === UPLOAD_ROUTE && fields.method === 'POST') {
      bump(uploads, `status="${label(fields.status)}",reason="${label(fields.reason)}"`);
    } else if (fields.event === 'merge') {
      bump(merges, `ok="${fields.ok === true}"`);
      if (fields.ok === true) lastMergeOk = Date.now() / 1000;
    }
  };
  const lines = (name: string, help: string, series: Map<string, number>): string[] => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...[...series].sort().map(([labels, total]) => `${name}{${labels}} ${total}`),
  ];
  return {
    logger: {
      log(fields) {
        count(fields);
        inner.log(fields);
      },
      flush: () => inner.flush(),
    },
    text: () =>
      [
        ...lines(
          'telemetry_uploads_total',
          'Uploads answered, by HTTP status and reason.',
          uploads,
        ),
        ...lines('telemetry_merges_total', 'Merge runs that merged something or failed.', merges),
        '# HELP telemetry_last_merge_ok_timestamp_seconds When a merge last succeeded (0: not yet).',
        '# TYPE telemetry_last_merge_ok_timestamp_seconds gauge',
        `telemetry_last_merge_ok_timestamp_seconds ${lastMergeOk}`,
        '',
      ].join('\n'),
  };
}
