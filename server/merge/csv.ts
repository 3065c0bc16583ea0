// A week's aggregate as CSV (RFC 4180), one row per published number group, for spreadsheets.
// `week` is the calendar week's Sunday (its name), `from` its Monday: both ends are in every row.
import type { WeekAggregate } from './aggregate.js';

export const CSV_HEADER = ['week', 'from', 'program', 'version', 'kind', 'name', 'reports', 'cell_reports', 'fraction', 'total'];

export function aggregateToCSV(a: WeekAggregate): string {
  const lines = [CSV_HEADER.join(',')];
  const row = (cells: (string | number | bigint)[]) => lines.push(cells.map(field).join(','));
  for (const c of a.cells) {
    row([a.week, a.from, c.program, c.version, 'reports', '', c.reports, c.reports, 1, '']);
    for (const kind of ['counters', 'stacks'] as const) {
      for (const r of c[kind]) row([a.week, a.from, c.program, c.version, kind === 'counters' ? 'counter' : 'stack', r.name, r.reports, c.reports, r.fraction, r.total]);
    }
    for (const kind of ['os', 'arch', 'runtime'] as const) {
      for (const r of c[kind]) row([a.week, a.from, c.program, c.version, kind, r.value, r.reports, c.reports, r.fraction, '']);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

function field(v: string | number | bigint): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
