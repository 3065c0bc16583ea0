// /data and the downloads: the per-day NDJSON of raw reports (raw mode), every week's
// aggregate as JSON and CSV, the privacy ledger (aggregates mode), and /data/index.json
// listing them for scripts. /data and /data/index.json are rendered (render.ts) with the
// latest weeks and days; the downloads are the store's files, served as they are.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { type PublishMode, addDays, isFinal } from '../merge/index.js';
import { CACHE_FINAL, CACHE_SHORT, esc, page, securityHeaders, sendProblem } from './html.js';
import type { Downloads } from './read.js';
import { modeLine } from './charts-page.js';

const FILE = /^(\d{4}-\d{2}-\d{2})\.(json|csv|ndjson)$/;
const PART = /^(\d{4}-\d{2}-\d{2})(\.[2-9]|\.[1-9]\d{1,5})?\.ndjson$/;

/** The URLs of a day's NDJSON parts, in order. */
const partUrls = (downloads: Downloads, day: string): string[] =>
  Array.from(
    { length: downloads.parts.get(day) ?? 1 },
    (_, i) => `/data/merged/${day}${i ? `.${i + 1}` : ''}.ndjson`,
  );
const TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
} as const;

export function registerData(
  app: FastifyInstance,
  ctx: { store: Store; publish: PublishMode; k: number; epsilon?: number | undefined },
): void {
  app.get<{ Params: { file: string } }>('/data/merged/:file', async (req, reply) => {
    const m = PART.exec(req.params.file);
    if (!m)
      return sendProblem(reply, 404, 'not-found', `${req.params.file} is not a published file`);
    const bytes = await ctx.store.getPublished(`merged/${req.params.file}`);
    return sendFile(reply, bytes, 'ndjson', CACHE_FINAL);
  });
  app.get<{ Params: { file: string } }>('/data/aggregates/:file', async (req, reply) => {
    const m = FILE.exec(req.params.file);
    if (!m || m[2] === 'ndjson')
      return sendProblem(reply, 404, 'not-found', `${req.params.file} is not a published file`);
    const bytes = await ctx.store.getPublished(`aggregates/${m[1]}.${m[2]}`);
    const final = bytes !== null && (await isFinal(ctx.store, m[1]!));
    return sendFile(reply, bytes, m[2] as 'json' | 'csv', final ? CACHE_FINAL : CACHE_SHORT);
  });
  app.get('/data/ledger.json', async (_req, reply) =>
    sendFile(reply, await ctx.store.getPublished('ledger.json'), 'json', CACHE_SHORT),
  );
}

/** Older files than the lists hold stay at these URLs. */
export const URL_PATTERNS = {
  day: '/data/merged/<YYYY-MM-DD>.ndjson (a big day also .2.ndjson, .3.ndjson, …)',
  week: '/data/aggregates/<week ending YYYY-MM-DD>.json (and .csv)',
};

/** /data/index.json: the latest weeks and days, for scripts. */
export function dataIndex(
  downloads: Downloads,
  mode: { publish: PublishMode; k: number; epsilon?: number | undefined },
): string {
  const body = {
    publish: mode.publish,
    k: mode.publish === 'aggregates' ? mode.k : null,
    epsilon: mode.publish === 'aggregates' ? (mode.epsilon ?? null) : null,
    days: downloads.days.map((day) => {
      const [ndjson, ...more] = partUrls(downloads, day);
      return more.length ? { day, ndjson, parts: [ndjson, ...more] } : { day, ndjson };
    }),
    weeks: downloads.weeks.map((week) => ({
      ...week,
      json: `/data/aggregates/${week.week}.json`,
      csv: `/data/aggregates/${week.week}.csv`,
    })),
    ledger: downloads.ledger ? '/data/ledger.json' : null,
    older: URL_PATTERNS,
  };
  return JSON.stringify(body, null, 2) + '\n';
}

function sendFile(
  reply: import('fastify').FastifyReply,
  bytes: Uint8Array | null,
  kind: keyof typeof TYPES,
  cache: string,
) {
  if (bytes === null) return sendProblem(reply, 404, 'not-found', 'no such published file');
  return securityHeaders(reply)
    .type(TYPES[kind])
    .header('Cache-Control', cache)
    .send(Buffer.from(bytes));
}

export function dataPage(
  downloads: Downloads,
  mode: { publish: PublishMode; k: number; epsilon?: number | undefined },
): string {
  const weeks = [...downloads.weeks]
    .reverse()
    .map(
      (week) =>
        `<tr data-week="${esc(week.week)}"><th scope="row">${esc(week.week)}</th><td>${esc(addDays(week.week, -6))} to ${esc(week.week)}</td><td>${week.final ? 'final' : 'provisional'}</td><td><a href="/data/aggregates/${esc(week.week)}.json">JSON</a></td><td><a href="/data/aggregates/${esc(week.week)}.csv">CSV</a></td></tr>`,
    );
  const days = [...downloads.days].reverse().map((day) => {
    const name = (url: string) => esc(url.slice('/data/merged/'.length));
    const links = partUrls(downloads, day).map((url) => `<a href="${esc(url)}">${name(url)}</a>`);
    return `<li data-day="${esc(day)}">${links.join(' ')}</li>`;
  });
  const body = [
    `<p class="lead">${modeLine(mode)} Everything here is also listed in <a href="/data/index.json">/data/index.json</a>.</p>`,
    '<h2>Weekly aggregates</h2>',
    weeks.length
      ? `<table class="downloads"><thead><tr><th scope="col">week</th><th scope="col">days (UTC)</th><th scope="col">state</th><th scope="col" colspan="2">download</th></tr></thead><tbody>${weeks.join('')}</tbody></table>`
      : '<p class="empty">None yet.</p>',
    [
      '<p class="hint" id="week-naming">Weeks are calendar weeks, Monday to Sunday (UTC),',
      'named by their Sunday; every JSON and CSV file gives both ends',
      '(<code>from</code>, <code>week</code>).',
      'A report names its own week by the last day its client counted, which can be any weekday:',
      'it is counted in the calendar week that day falls in (a report for the week ending on',
      'Thursday 2026-11-26 is in the week named 2026-11-29).</p>',
    ].join(' '),
    '<p class="hint">Per program and version: reports; per counter and stack, the reports that counted it, their share and the total count; operating systems, architectures and runtimes. Counts above 2<sup>53</sup> are written with all their digits.</p>',
    mode.publish === 'raw'
      ? `<h2>Reports, one file per day they arrived</h2>${days.length ? `<ul class="days">${days.join('')}</ul>` : '<p class="empty">None yet.</p>'}<p class="hint">Newline-delimited JSON, one report per line, as received.</p>`
      : '',
    `<p class="hint">Listed here: the latest weeks and days. Older ones stay at <code>${esc(URL_PATTERNS.week)}</code> and <code>${esc(URL_PATTERNS.day)}</code>.</p>`,
    downloads.ledger
      ? '<h2>Privacy ledger</h2><p><a href="/data/ledger.json">ledger.json</a>: every release, its k and ε.</p>'
      : '',
  ].join('\n');
  return page({ title: 'Data', path: '/data', body });
}
