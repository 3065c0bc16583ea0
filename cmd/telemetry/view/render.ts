// Builds the page's sections from the models. Each function returns fresh elements; app.ts
// swaps them in whole, so a re-render never leaves stale rows behind.
import type { ViewData, ViewError, ViewFile, ViewMode } from '../view-data.js';
import type { ChartPool } from './charts.js';
import { h } from './dom.js';
import { groupDigits, type ChartModel, type ProgramModel, type Row, type StackModel } from './model.js';

/** UI state that must survive re-renders. */
export interface RenderState {
  /** Programs whose every chart is shown, not only the first CHART_LIMIT. */
  expanded: Set<string>;
  /** `program\nstack name` of the stacks the user opened. */
  openStacks: Set<string>;
}

/** Charts drawn at once per program; more wait for "show more" and then for scrolling. */
const CHART_LIMIT = 24;

const MODE_MEANING: Record<string, string> = {
  on: 'counted here and may be uploaded',
  local: 'counted here, never uploaded',
  off: 'not counted',
};

export function modeBanner(data: ViewData): HTMLElement {
  return h(
    'div',
    { class: 'banner' },
    h('div', { class: 'machine' }, h('span', { class: 'eyebrow' }, 'Machine-wide mode'), modeLine(data.machine, 'machine-mode')),
    data.programs.length === 0
      ? null
      : h(
          'ul',
          { class: 'program-modes', 'aria-label': 'Effective mode per program' },
          ...data.programs.map((p) => h('li', {}, h('span', { class: 'prog' }, p.program), modeLine(p.mode, undefined))),
        ),
  );
}

function modeLine(m: ViewMode, id: string | undefined): HTMLElement {
  return h(
    'span',
    { class: 'mode-line', id },
    badge(m.mode),
    h('span', { class: 'meaning' }, MODE_MEANING[m.mode] ?? ''),
    h('span', { class: 'why' }, m.reason),
    ...m.notes.map((n) => h('span', { class: 'note' }, n)),
  );
}

export function badge(mode: string): HTMLElement {
  return h('span', { class: `badge mode-${mode}`, 'data-mode': mode }, mode);
}

export function errorList(errors: ViewError[]): HTMLElement {
  const title = errors.length === 1 ? '1 file could not be read' : `${errors.length} files could not be read`;
  return h(
    'div',
    { class: 'errors-box' },
    h('h2', {}, title),
    h('p', {}, 'Everything else is shown below. These files were left untouched.'),
    h('ul', {}, ...errors.map((e) => h('li', {}, h('code', { class: 'file' }, e.file), h('span', { class: 'reason' }, e.reason)))),
  );
}

export function programSection(m: ProgramModel, index: number, state: RenderState, pool: ChartPool): HTMLElement {
  const id = `program-${index}`;
  return h(
    'section',
    { class: 'program', 'aria-labelledby': id, 'data-program': m.program },
    h('header', { class: 'program-head' }, h('h2', { id }, m.program), badge(m.mode.mode), h('p', { class: 'facts' }, facts(m)), uploadLine(m)),
    m.files.length === 0 ? h('p', { class: 'empty' }, 'No count files match the filters.') : null,
    m.charts.length > 0 ? chartsBlock(m, state, pool) : null,
    m.stacks.length > 0 ? stacksBlock(m, state) : null,
    m.rows.length > 0 ? countersBlock(m) : null,
    m.files.length > 0 ? filesBlock(m.files) : null,
  );
}

function facts(m: ProgramModel): string {
  const versions = [...new Set(m.files.map((f) => f.version || '(none)'))];
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(m.files.length, 'file')} · ${plural(m.weeks.length, 'week')} · version ${versions.join(', ')} · ${plural(m.rows.length + m.stacks.length, 'counter')}`;
}

function chartsBlock(m: ProgramModel, state: RenderState, pool: ChartPool): HTMLElement {
  const all = state.expanded.has(m.program);
  const shown = all ? m.charts : m.charts.slice(0, CHART_LIMIT);
  const more = m.charts.length - shown.length;
  const button = more > 0 ? h('button', { type: 'button', class: 'more', 'data-expand': m.program }, `Show ${more} more charts`) : null;
  return h('div', { class: 'block' }, h('h3', {}, 'Charts'), h('div', { class: 'grid' }, ...shown.map((c, i) => chartCard(c, pool, i >= CHART_LIMIT))), button);
}

function chartCard(c: ChartModel, pool: ChartPool, lazy: boolean): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': chartLabel(c) });
  pool.add(canvas, c, lazy);
  const kind = c.family ? `${c.series.length} bucket${c.series.length === 1 ? '' : 's'}` : 'counter';
  return h(
    'figure',
    { class: `card${c.family ? ' family' : ''}`, 'data-chart': c.title, 'data-family': String(c.family) },
    h('figcaption', {}, h('span', { class: 'title', title: c.title }, c.title), h('span', { class: 'kind' }, kind)),
    h('div', { class: 'canvas-box' }, canvas),
  );
}

function chartLabel(c: ChartModel): string {
  const what = c.family ? `grouped bars for buckets ${c.series.map((s) => s.name).join(', ')}` : 'bars';
  return `${c.title}: ${what} per week; exact values are in the counters table`;
}

function stacksBlock(m: ProgramModel, state: RenderState): HTMLElement {
  return h('div', { class: 'block' }, h('h3', {}, 'Stacks'), h('div', { class: 'stacks' }, ...m.stacks.map((s) => stackItem(m, s, state))));
}

function stackItem(m: ProgramModel, s: StackModel, state: RenderState): HTMLElement {
  const key = `${m.program}\n${s.key}`;
  const top = s.frames[0] ?? '';
  const details = h(
    'details',
    { class: 'stack', open: state.openStacks.has(key), 'data-stack': s.counter },
    h('summary', {}, h('span', { class: 'stack-name' }, s.counter), h('span', { class: 'stack-top' }, top), h('span', { class: 'stack-total' }, weekValues(m.weeks, s.values))),
    h('pre', { class: 'frames' }, s.frames.join('\n')),
  );
  // Remember what the user opened, so polling does not fold it away again.
  details.addEventListener('toggle', () => (details.open ? state.openStacks.add(key) : state.openStacks.delete(key)));
  return details;
}

function weekValues(weeks: string[], values: (string | null)[]): string {
  return weeks.map((w, i) => `${w}: ${values[i] === null || values[i] === undefined ? '—' : groupDigits(values[i]!)}`).join(' · ');
}

function countersBlock(m: ProgramModel): HTMLElement {
  return h(
    'div',
    { class: 'block' },
    h('h3', {}, 'Counters'),
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Counters of ${m.program}` },
      h(
        'table',
        { class: 'counters' },
        h('caption', {}, 'Exact counts per week; weeks are named by the day they end.'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Counter'), ...m.weeks.map((w) => h('th', { scope: 'col', class: 'num' }, w)))),
        h('tbody', {}, ...m.rows.map((r) => counterRow(r, m))),
      ),
    ),
  );
}

/** Where the program's reports go, or that it sends nothing. */
function uploadLine(m: ProgramModel): HTMLElement {
  const u = m.upload;
  if (!u) return h('p', { class: 'upload-line', 'data-upload': 'none' }, 'Sends nothing: only a program in mode on that names a collector sends a weekly report.');
  const cfg = u.config ? `its config ${u.config} lists the counters marked ↑` : 'its config has not been verified yet, so no counter is marked';
  return h('p', { class: 'upload-line', 'data-upload': 'collector' }, `Weekly reports go to ${u.collector}; ${cfg}. Preview the exact bytes with: telemetry preview`);
}

/** 'sent' when a sent report held it, 'listed' when the collector's config lists it (sent if the week's draw keeps it), else null. */
export function uploadMark(name: string, m: Pick<ProgramModel, 'upload'>): 'sent' | 'listed' | null {
  const u = m.upload;
  if (!u) return null;
  const prefix = name.split('\n')[0]!;
  if (Object.values(u.sent).some((names) => names.includes(name) || names.some((n) => n.split('\n')[0] === prefix && name.includes('\n')))) return 'sent';
  return prefix in u.listed && u.listed[prefix]! > 0 ? 'listed' : null;
}

function counterRow(r: Row, m: ProgramModel): HTMLElement {
  const mark = uploadMark(r.name, m);
  const title = mark === 'sent' ? 'held by a report sent to the collector' : mark === 'listed' ? `listed by the collector's config (rate ${m.upload!.listed[r.name]}): sent when the week's draw keeps it` : 'never sent: kept on this machine';
  return h(
    'tr',
    { 'data-counter': r.name, 'data-upload': mark ?? 'local', title },
    h('th', { scope: 'row', class: 'name' }, r.name, mark ? h('span', { class: `upload-mark ${mark}`, 'aria-label': mark === 'sent' ? 'sent' : 'would be sent' }, mark === 'sent' ? ' ↑ sent' : ' ↑') : null),
    ...r.values.map((v) => (v === null ? h('td', { class: 'num none' }, '—') : h('td', { class: 'num', 'data-value': v }, groupDigits(v)))),
  );
}

function filesBlock(files: ViewFile[]): HTMLElement {
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
        h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...files.map(fileRow)),
      ),
    ),
  );
}

function fileRow(f: ViewFile): HTMLElement {
  const td = (t: string, cls?: string) => h('td', { class: cls }, t || '—');
  return h(
    'tr',
    {},
    td(f.file, 'name'),
    td(f.version),
    td(f.runtime),
    td(`${f.os}/${f.arch}`),
    td(f.timeBegin.slice(0, 10)),
    td(f.timeEnd.slice(0, 10)),
    td(f.active ? 'active' : 'ended', f.active ? 'active' : 'ended'),
  );
}
