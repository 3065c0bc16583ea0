// /data and the downloads: the per-day NDJSON of raw reports (raw mode), every week's
// aggregate as JSON and CSV, the privacy ledger (aggregates mode), and /data/index.json
// listing them all for scripts.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import { type PublishMode, isFinal } from '../merge/index.js';
import { CACHE_FINAL, CACHE_SHORT, esc, page, securityHeaders, sendPage, sendText } from './html.js';
import { allAggregates, downloads, type Downloads } from './read.js';
import { modeLine } from './charts-page.js';

const FILE = /^(\d{4}-\d{2}-\d{2})\.(json|csv|ndjson)$/;
const TYPES = { json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const;

export function registerData(app: FastifyInstance, ctx: { store: Store; publish: PublishMode; k: number; epsilon?: number | undefined }): void {
  const list = async () => downloads(ctx.store, await allAggregates(ctx.store));
  app.get('/data', async (_req, reply) => sendPage(reply, dataPage(await list(), ctx)));
  app.get('/data/index.json', async (_req, reply) => {
    const d = await list();
    const body = {
      publish: ctx.publish, k: ctx.publish === 'aggregates' ? ctx.k : null, epsilon: ctx.publish === 'aggregates' ? (ctx.epsilon ?? null) : null,
      days: d.days.map((day) => ({ day, ndjson: `/data/merged/${day}.ndjson` })),
      weeks: d.weeks.map((w) => ({ ...w, json: `/data/aggregates/${w.week}.json`, csv: `/data/aggregates/${w.week}.csv` })),
      ledger: d.ledger ? '/data/ledger.json' : null,
    };
    return securityHeaders(reply).type(TYPES.json).header('Cache-Control', CACHE_SHORT).send(JSON.stringify(body, null, 2) + '\n');
  });
  app.get<{ Params: { file: string } }>('/data/merged/:file', async (req, reply) => {
    const m = FILE.exec(req.params.file);
    if (!m || m[2] !== 'ndjson') return sendText(reply, 404, `error: ${req.params.file} not found`);
    return sendFile(reply, await ctx.store.getPublished(`merged/${m[1]}.ndjson`), 'ndjson', CACHE_FINAL);
  });
  app.get<{ Params: { file: string } }>('/data/aggregates/:file', async (req, reply) => {
    const m = FILE.exec(req.params.file);
    if (!m || m[2] === 'ndjson') return sendText(reply, 404, `error: ${req.params.file} not found`);
    const bytes = await ctx.store.getPublished(`aggregates/${m[1]}.${m[2]}`);
    const final = bytes !== null && (await isFinal(ctx.store, m[1]!));
    return sendFile(reply, bytes, m[2] as 'json' | 'csv', final ? CACHE_FINAL : CACHE_SHORT);
  });
  app.get('/data/ledger.json', async (_req, reply) => sendFile(reply, await ctx.store.getPublished('ledger.json'), 'json', CACHE_SHORT));
}

function sendFile(reply: import('fastify').FastifyReply, bytes: Uint8Array | null, kind: keyof typeof TYPES, cache: string) {
  if (bytes === null) return sendText(reply, 404, 'error: not found');
  return securityHeaders(reply).type(TYPES[kind]).header('Cache-Control', cache).send(Buffer.from(bytes));
}

function dataPage(d: Downloads, mode: { publish: PublishMode; k: number; epsilon?: number | undefined }): string {
  const weeks = [...d.weeks].reverse().map((w) =>
    `<tr data-week="${esc(w.week)}"><th scope="row">${esc(w.week)}</th><td>${w.final ? 'final' : 'provisional'}</td><td><a href="/data/aggregates/${esc(w.week)}.json">JSON</a></td><td><a href="/data/aggregates/${esc(w.week)}.csv">CSV</a></td></tr>`);
  const days = [...d.days].reverse().map((day) => `<li data-day="${esc(day)}"><a href="/data/merged/${esc(day)}.ndjson">${esc(day)}.ndjson</a></li>`);
  const body = [
    `<p class="lead">${modeLine(mode)} Everything here is also listed in <a href="/data/index.json">/data/index.json</a>.</p>`,
    '<h2>Weekly aggregates</h2>',
    weeks.length ? `<table class="downloads"><thead><tr><th scope="col">week ending</th><th scope="col">state</th><th scope="col" colspan="2">download</th></tr></thead><tbody>${weeks.join('')}</tbody></table>` : '<p class="empty">None yet.</p>',
    '<p class="hint">Per program and version: reports; per counter and stack, the reports that counted it, their share and the total count; operating systems, architectures and runtimes. Counts above 2<sup>53</sup> are written with all their digits.</p>',
    mode.publish === 'raw' ? `<h2>Reports, one file per day they arrived</h2>${days.length ? `<ul class="days">${days.join('')}</ul>` : '<p class="empty">None yet.</p>'}<p class="hint">Newline-delimited JSON, one report per line, as received.</p>` : '',
    d.ledger ? '<h2>Privacy ledger</h2><p><a href="/data/ledger.json">ledger.json</a>: every release, its k and ε.</p>' : '',
  ].join('\n');
  return page({ title: 'Data', path: '/data', body });
}
