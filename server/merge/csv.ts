// A week's aggregate as CSV (RFC 4180), one row per published number group, for spreadsheets.
// `week` is the calendar week's Sunday (its name), `from` its Monday: both ends are in every row.
import type { WeekAggregate } from './aggregate.js';

export const CSV_HEADER = [
  'week',
  'from',
  'program',
  'version',
  'kind',
  'name',
  'reports',
  'cell_reports',
  'fraction',
  'total',
];

export function aggregateToCSV(aggregate: WeekAggregate): string {
  const lines = [CSV_HEADER.join(',')];
  const row = (cells: (string | number | bigint)[]) => lines.push(cells.map(field).join(','));
  for (const cell of aggregate.cells) {
    row([
      aggregate.week,
      aggregate.from,
      cell.program,
      cell.version,
      'reports',
      '',
      cell.reports,
      cell.reports,
      1,
      '',
    ]);
    for (const kind of ['counters', 'stacks'] as const) {
      for (const shown of cell[kind])
        row([
          aggregate.week,
          aggregate.from,
          cell.program,
          cell.version,
          kind === 'counters' ? 'counter' : 'stack',
          shown.name,
          shown.reports,
          cell.reports,
          shown.fraction,
          shown.total,
        ]);
    }
    for (const kind of ['os', 'arch', 'runtime'] as const) {
      for (const shown of cell[kind])
        row([
          aggregate.week,
          aggregate.from,
          cell.program,
          cell.version,
          kind,
          shown.value,
          shown.reports,
          cell.reports,
          shown.fraction,
          '',
        ]);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

function field(value: string | number | bigint): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
