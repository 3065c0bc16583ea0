// Entry point of the `telemetry view` page: polls /api/data, re-renders when the data changed,
// and keeps the filters and opened stacks across re-renders. `?interval=<ms>` sets the poll
// period (tests use a short one); the default follows files growing without load.
import type { ViewData } from '../view-data.js';
import { ChartPool } from './charts.js';
import { h } from './dom.js';
import { programModels, versionsFor, type Filter } from './model.js';
import { errorList, modeBanner, programSection, type RenderState } from './render.js';

const DEFAULT_INTERVAL = 2000;

const filter: Filter = { program: '', version: '', search: '' };
const state: RenderState = { expanded: new Set(), openStacks: new Set() };
const pool = new ChartPool();
let data: ViewData | null = null;
let lastText = '';

function el<T extends HTMLElement>(elementId: string): T {
  const e = document.getElementById(elementId);
  if (!e) throw new Error(`page is missing #${elementId}`);
  return e as T;
}

function interval(): number {
  const v = Number(new URLSearchParams(location.search).get('interval'));
  return Number.isFinite(v) && v >= 100 ? v : DEFAULT_INTERVAL;
}

async function poll(): Promise<void> {
  try {
    const res = await fetch('/api/data', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    if (text !== lastText) {
      lastText = text;
      data = JSON.parse(text) as ViewData;
      render();
    }
    setStatus(`Updated ${new Date().toLocaleTimeString()}`, false);
  } catch (e) {
    // Keep showing the last data: the command may just have been stopped.
    setStatus(`Cannot reach the viewer (${(e as Error).message}); showing the last data`, true);
  }
}

function setStatus(text: string, bad: boolean): void {
  const s = el('status');
  s.textContent = text;
  s.classList.toggle('bad', bad);
}

function render(): void {
  if (!data) return;
  el('dir').textContent = data.dir;
  el('modes').replaceChildren(modeBanner(data));
  renderErrors(data);
  renderFilters(data);
  renderPrograms(data);
}

function renderErrors(data: ViewData): void {
  const box = el('errors');
  box.hidden = data.errors.length === 0;
  box.replaceChildren(...(data.errors.length ? [errorList(data.errors)] : []));
}

function renderFilters(data: ViewData): void {
  if (filter.program !== '' && !data.programs.some((entry) => entry.program === filter.program))
    filter.program = '';
  const versions = versionsFor(data, filter.program);
  if (filter.version !== '' && !versions.includes(filter.version)) filter.version = '';
  fillSelect(
    el('program'),
    'All programs',
    data.programs.map((entry) => entry.program),
    filter.program,
  );
  fillSelect(el('version'), 'All versions', versions, filter.version);
}

function fillSelect(
  select: HTMLSelectElement,
  allLabel: string,
  values: string[],
  chosen: string,
): void {
  const opts = [
    h('option', { value: '' }, allLabel),
    ...values.map((value) => h('option', { value: value }, value || '(no version)')),
  ];
  select.replaceChildren(...opts);
  select.value = chosen;
}

function renderPrograms(data: ViewData): void {
  pool.clear();
  const models = programModels(data, filter);
  const main = el('main');
  if (data.files.length === 0) {
    main.replaceChildren(
      h(
        'p',
        { class: 'empty' },
        `No count files in ${data.dir}/local yet. Counts appear here as soon as a tool records them.`,
      ),
    );
    return;
  }
  main.replaceChildren(...models.map((model, i) => programSection(model, i, state, pool)));
  pool.flush();
}

function wire(): void {
  const program = el<HTMLSelectElement>('program');
  const version = el<HTMLSelectElement>('version');
  const search = el<HTMLInputElement>('search');
  program.addEventListener('change', () => {
    filter.program = program.value;
    filter.version = '';
    render();
  });
  version.addEventListener('change', () => {
    filter.version = version.value;
    render();
  });
  search.addEventListener('input', () => {
    filter.search = search.value.trim();
    if (data) renderPrograms(data);
  });
  el('filters').addEventListener('submit', (event) => event.preventDefault());
  el('main').addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>('[data-expand]');
    if (!button) return;
    state.expanded.add(button.dataset.expand ?? '');
    render();
  });
}

async function start(): Promise<void> {
  wire();
  const every = interval();
  el('interval').textContent = `${every / 1000} s`;
  // Chained timeouts, not setInterval, so a slow read never stacks requests.
  for (;;) {
    await poll();
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

void start();
