// Builds the page's sections from the models. Each function returns fresh elements; app.ts
// swaps them in whole, so a re-render never leaves stale rows behind.
import type { ViewData, ViewError, ViewMode } from '../view-data.js';
import type { ChartPool } from './charts.js';
import { h } from './dom.js';
import { groupDigits, type ChartModel, type ProgramModel, type StackModel } from './model.js';
import { countersBlock, filesBlock } from './tables.js';

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
    h(
      'div',
      { class: 'machine' },
      h('span', { class: 'eyebrow' }, 'Machine-wide mode'),
      modeLine(data.machine, 'machine-mode'),
    ),
    data.programs.length === 0
      ? null
      : h(
          'ul',
          { class: 'program-modes', 'aria-label': 'Effective mode per program' },
          ...data.programs.map((entry) =>
            h(
              'li',
              {},
              h('span', { class: 'prog' }, entry.program),
              modeLine(entry.mode, undefined),
            ),
          ),
        ),
  );
}

function modeLine(shown: ViewMode, elementId: string | undefined): HTMLElement {
  return h(
    'span',
    { class: 'mode-line', id: elementId },
    badge(shown.mode),
    h('span', { class: 'meaning' }, MODE_MEANING[shown.mode] ?? ''),
    h('span', { class: 'why' }, shown.reason),
    ...shown.notes.map((note) => h('span', { class: 'note' }, note)),
  );
}

export function badge(mode: string): HTMLElement {
  return h('span', { class: `badge mode-${mode}`, 'data-mode': mode }, mode);
}

export function errorList(errors: ViewError[]): HTMLElement {
  const title =
    errors.length === 1 ? '1 file could not be read' : `${errors.length} files could not be read`;
  return h(
    'div',
    { class: 'errors-box' },
    h('h2', {}, title),
    h('p', {}, 'Everything else is shown below. These files were left untouched.'),
    h(
      'ul',
      {},
      ...errors.map((failure) =>
        h(
          'li',
          {},
          h('code', { class: 'file' }, failure.file),
          h('span', { class: 'reason' }, failure.reason),
        ),
      ),
    ),
  );
}

export function programSection(
  model: ProgramModel,
  index: number,
  state: RenderState,
  pool: ChartPool,
): HTMLElement {
  const id = `program-${index}`;
  return h(
    'section',
    { class: 'program', 'aria-labelledby': id, 'data-program': model.program },
    h(
      'header',
      { class: 'program-head' },
      h('h2', { id }, model.program),
      badge(model.mode.mode),
      h('p', { class: 'facts' }, facts(model)),
      uploadLine(model),
    ),
    model.files.length === 0
      ? h('p', { class: 'empty' }, 'No count files match the filters.')
      : null,
    model.charts.length > 0 ? chartsBlock(model, state, pool) : null,
    model.stacks.length > 0 ? stacksBlock(model, state) : null,
    model.rows.length > 0 ? countersBlock(model) : null,
    model.files.length > 0 ? filesBlock(model.files) : null,
  );
}

function facts(model: ProgramModel): string {
  const versions = [...new Set(model.files.map((file) => file.version || '(none)'))];
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(model.files.length, 'file')} · ${plural(model.weeks.length, 'week')} · version ${versions.join(', ')} · ${plural(model.rows.length + model.stacks.length, 'counter')}`;
}

function chartsBlock(model: ProgramModel, state: RenderState, pool: ChartPool): HTMLElement {
  const all = state.expanded.has(model.program);
  const shown = all ? model.charts : model.charts.slice(0, CHART_LIMIT);
  const more = model.charts.length - shown.length;
  const button =
    more > 0
      ? h(
          'button',
          { type: 'button', class: 'more', 'data-expand': model.program },
          `Show ${more} more charts`,
        )
      : null;
  return h(
    'div',
    { class: 'block' },
    h('h3', {}, 'Charts'),
    h(
      'div',
      { class: 'grid' },
      ...shown.map((chart, i) => chartCard(chart, pool, i >= CHART_LIMIT)),
    ),
    button,
  );
}

function chartCard(chart: ChartModel, pool: ChartPool, lazy: boolean): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': chartLabel(chart) });
  pool.add(canvas, chart, lazy);
  const kind = chart.family
    ? `${chart.series.length} bucket${chart.series.length === 1 ? '' : 's'}`
    : 'counter';
  return h(
    'figure',
    {
      class: `card${chart.family ? ' family' : ''}`,
      'data-chart': chart.title,
      'data-family': String(chart.family),
    },
    h(
      'figcaption',
      {},
      h('span', { class: 'title', title: chart.title }, chart.title),
      h('span', { class: 'kind' }, kind),
    ),
    h('div', { class: 'canvas-box' }, canvas),
  );
}

function chartLabel(chart: ChartModel): string {
  const what = chart.family
    ? `grouped bars for buckets ${chart.series.map((series) => series.name).join(', ')}`
    : 'bars';
  return `${chart.title}: ${what} per week; exact values are in the counters table`;
}

function stacksBlock(model: ProgramModel, state: RenderState): HTMLElement {
  return h(
    'div',
    { class: 'block' },
    h('h3', {}, 'Stacks'),
    h('div', { class: 'stacks' }, ...model.stacks.map((stack) => stackItem(model, stack, state))),
  );
}

function stackItem(model: ProgramModel, stack: StackModel, state: RenderState): HTMLElement {
  const key = `${model.program}\n${stack.key}`;
  const top = stack.frames[0] ?? '';
  const details = h(
    'details',
    { class: 'stack', open: state.openStacks.has(key), 'data-stack': stack.counter },
    h(
      'summary',
      {},
      h('span', { class: 'stack-name' }, stack.counter),
      h('span', { class: 'stack-top' }, top),
      h('span', { class: 'stack-total' }, weekValues(model.weeks, stack.values)),
    ),
    h('pre', { class: 'frames' }, stack.frames.join('\n')),
  );
  // Remember what the user opened, so polling does not fold it away again.
  details.addEventListener('toggle', () =>
    details.open ? state.openStacks.add(key) : state.openStacks.delete(key),
  );
  return details;
}

function weekValues(weeks: string[], values: (string | null)[]): string {
  return weeks
    .map(
      (week, i) =>
        `${week}: ${values[i] === null || values[i] === undefined ? '—' : groupDigits(values[i]!)}`,
    )
    .join(' · ');
}

/** Where the program's reports go, or that it sends nothing. */
function uploadLine(model: ProgramModel): HTMLElement {
  const upload = model.upload;
  if (!upload)
    return h(
      'p',
      { class: 'upload-line', 'data-upload': 'none' },
      'Sends nothing: only a program in mode on that names a collector sends a weekly report.',
    );
  const cfg = upload.config
    ? `its config ${upload.config} lists the counters marked ↑`
    : 'its config has not been verified yet, so no counter is marked';
  return h(
    'p',
    { class: 'upload-line', 'data-upload': 'collector' },
    `Weekly reports go to ${upload.collector}; ${cfg}. Preview the exact bytes with: telemetry preview`,
  );
}
