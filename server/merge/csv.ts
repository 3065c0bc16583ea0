// A week's aggregate as CSV (RFC 4180), one row per published number group, for spreadsheets.
import type { WeekAggregate } from './aggregate.js';

export const CSV_HEADER = ['week', 'program', 'version', 'kind', 'name', 'reports', 'cell_reports', 'fraction', 'total'];

export function aggregateToCSV(a: WeekAggregate): string {
  const lines = [CSV_HEADER.join(',')];
  const row = (cells: (string | number | bigint)[]) => lines.push(cells.map(field).join(','));
  for (const c of a.cells) {
    row([a.week, c.program, c.version, 'reports', '', c.reports, c.reports, 1, '']);
    for (const kind of ['counters', 'stacks'] as const) {
      for (const r of c[kind]) row([a.week, c.program, c.version, kind === 'counters' ? 'counter' : 'stack', r.name, r.reports, c.reports, r.fraction, r.total]);
    }
    for (const kind of ['os', 'arch', 'runtime'] as const) {
      for (const r of c[kind]) row([a.week, c.program, c.version, kind, r.value, r.reports, c.reports, r.fraction, '']);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

function field(v: string | number | bigint): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
