// The program section's two tables: its counters week by week (each marked when a report sent
// it or the collector's config lists it) and the count files they were read from.
import type { ViewFile } from '../view-data.js';
import { h } from './dom.js';
import { groupDigits, type ProgramModel, type Row } from './model.js';

export function countersBlock(model: ProgramModel): HTMLElement {
  return h(
    'div',
    { class: 'block' },
    h('h3', {}, 'Counters'),
    h(
      'div',
      {
        class: 'table-wrap',
        tabindex: '0',
        role: 'region',
        'aria-label': `Counters of ${model.program}`,
      },
      h(
        'table',
        { class: 'counters' },
        h('caption', {}, 'Exact counts per week; weeks are named by the day they end.'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Counter'),
            ...model.weeks.map((week) => h('th', { scope: 'col', class: 'num' }, week)),
          ),
        ),
        h('tbody', {}, ...model.rows.map((row) => counterRow(row, model))),
      ),
    ),
  );
}

/** 'sent' when a sent report held it, 'listed' when the collector's config lists it (sent if the week's draw keeps it), else null. */
export function uploadMark(
  name: string,
  model: Pick<ProgramModel, 'upload'>,
): 'sent' | 'listed' | null {
  const upload = model.upload;
  if (!upload) return null;
  const prefix = name.split('\n')[0]!;
  if (
    Object.values(upload.sent).some(
      (names) =>
        names.includes(name) ||
        names.some((sentName) => sentName.split('\n')[0] === prefix && name.includes('\n')),
    )
  )
    return 'sent';
  return prefix in upload.listed && upload.listed[prefix]! > 0 ? 'listed' : null;
}

function counterRow(row: Row, model: ProgramModel): HTMLElement {
  const mark = uploadMark(row.name, model);
  const title =
    mark === 'sent'
      ? 'held by a report sent to the collector'
      : mark === 'listed'
        ? `listed by the collector's config (rate ${model.upload!.listed[row.name]}): sent when the week's draw keeps it`
        : 'never sent: kept on this machine';
  return h(
    'tr',
    { 'data-counter': row.name, 'data-upload': mark ?? 'local', title },
    h(
      'th',
      { scope: 'row', class: 'name' },
      row.name,
      mark
        ? h(
            'span',
            {
              class: `upload-mark ${mark}`,
              'aria-label': mark === 'sent' ? 'sent' : 'would be sent',
            },
            mark === 'sent' ? ' ↑ sent' : ' ↑',
          )
        : null,
    ),
    ...row.values.map((value) =>
      value === null
        ? h('td', { class: 'num none' }, '—')
        : h('td', { class: 'num', 'data-value': value }, groupDigits(value)),
    ),
  );
}

export function filesBlock(files: ViewFile[]): HTMLElement {
  const head = ['File', 'Version', 'Runtime', 'OS/arch', 'Begins', 'Ends', 'State'];
  return h(
    'details',
    { class: 'block files' },
    h('summary', {}, h('h3', {}, `Files (${files.length})`)),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...head.map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, ...files.map(fileRow)),
      ),
    ),
  );
}

function fileRow(file: ViewFile): HTMLElement {
  const td = (text: string, cls?: string) => h('td', { class: cls }, text || '—');
  return h(
    'tr',
    {},
    td(file.file, 'name'),
    td(file.version),
    td(file.runtime),
    td(`${file.os}/${file.arch}`),
    td(file.timeBegin.slice(0, 10)),
    td(file.timeEnd.slice(0, 10)),
    td(file.active ? 'active' : 'ended', file.active ? 'active' : 'ended'),
  );
}
