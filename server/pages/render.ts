// Rendering the pages that come from the published data: /charts, /data and /data/index.json.
// Run where the merge runs (the merge worker, after a run) and at start; each page is bounded
// in size: the charts show the latest MAX_CHART_WEEKS weeks, /data and its index list the
// latest MAX_LISTED_WEEKS weeks and MAX_LISTED_DAYS days (every older file stays downloadable
// at the same URL pattern, which both say), and past MAX_PAGE_BYTES the charts page stops
// adding programs and says so.
import type { Store } from '../store/index.js';
import type { PublishMode } from '../merge/index.js';
import { MAX_CHART_WEEKS, chartsPage } from './charts-page.js';
import { dataIndex, dataPage } from './data-page.js';
import { CACHE_SHORT } from './html.js';
import { chartsModel } from './model.js';
import { JSON_TYPE, type PageFile, pageFile } from './files.js';
import { allAggregates, downloads } from './read.js';

export { MAX_CHART_WEEKS };
export const MAX_LISTED_WEEKS = 104;
export const MAX_LISTED_DAYS = 120;
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export interface Mode {
  publish: PublishMode;
  k: number;
  epsilon?: number | undefined;
}

/** Where each data page lives in the store, by its URL path. */
export const STORED_PAGES = {
  '/charts': 'pages/charts.html',
  '/data': 'pages/data.html',
  '/data/index.json': 'pages/data-index.json',
} as const;
export type DataPath = keyof typeof STORED_PAGES;

export async function renderDataPages(store: Store, mode: Mode): Promise<Map<DataPath, PageFile>> {
  const weeks = await store.listPublished('aggregates/');
  const recent = new Set(weeks.filter((name) => name.endsWith('.json')).slice(-MAX_LISTED_WEEKS));
  const aggregates = await allAggregates(store, (name) => recent.has(name));
  const charted = aggregates.slice(-MAX_CHART_WEEKS);
  const list = await downloads(store, aggregates);
  list.days = list.days.slice(-MAX_LISTED_DAYS);
  const pages = new Map<DataPath, PageFile>();
  pages.set('/charts', pageFile(chartsPage(chartsModel(charted), mode, MAX_PAGE_BYTES)));
  pages.set('/data', pageFile(dataPage(list, mode)));
  pages.set('/data/index.json', pageFile(dataIndex(list, mode), JSON_TYPE, 200, CACHE_SHORT));
  return pages;
}

/** Renders the data pages and writes them into the store (the merge worker, after a run). */
export async function publishDataPages(store: Store, mode: Mode): Promise<void> {
  const pages = await renderDataPages(store, mode);
  for (const [path, file] of pages) await store.putPublished(STORED_PAGES[path], file.body);
}

/** The data pages as the store holds them (another replica's merge may have written them). */
export async function readDataPages(store: Store): Promise<Map<DataPath, PageFile> | null> {
  const pages = new Map<DataPath, PageFile>();
  for (const [path, name] of Object.entries(STORED_PAGES) as [DataPath, string][]) {
    const bytes = await store.getPublished(name);
    if (bytes === null) return null;
    pages.set(path, pageFile(Buffer.from(bytes), path.endsWith('.json') ? JSON_TYPE : undefined));
  }
  return pages;
}
