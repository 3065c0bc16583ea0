// Structured logs: one JSON line per request or event on stderr. Only what the server decided
// (method, route pattern, status, time taken, the refusal's code): never an IP address, a
// header, a query string or a report's content. Lines are gathered and written once per turn
// of the event loop, so a busy server does not make one write per request.
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  log(fields: LogFields): void;
  /** Writes what is gathered now (before exit). */
  flush(): void;
}

export function stderrLogger(
  out: (text: string) => void = (text) => process.stderr.write(text),
): Logger {
  let lines: string[] = [];
  let scheduled = false;
  let ms = NaN;
  let time = '';
  /** Many lines share a millisecond under load; toISOString is not free. */
  const now = (): string => {
    const t = Date.now();
    if (t !== ms) (ms = t), (time = new Date(t).toISOString());
    return time;
  };
  const flush = (): void => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = lines.join('');
    lines = [];
    out(text);
  };
  return {
    log(fields) {
      // The same line as JSON.stringify({ time, ...fields }), without copying the fields.
      const rest = JSON.stringify(fields);
      lines.push(`{"time":"${now()}"${rest.length > 2 ? `,${rest.slice(1)}` : '}'}\n`);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

export const silentLogger: Logger = { log: () => undefined, flush: () => undefined };
