// The public pages in a real headless Chromium: reports put into the directory store, merged,
// and served by the pages' routes on 127.0.0.1. The numbers the charts page shows equal a
// recount of the reports; every chart is drawn by the Chart.js the server itself serves; the
// page loads nothing from elsewhere and breaks no rule of its Content-Security-Policy.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPage } from '../chromium.js';
import { addDays, labelThreshold, runMerge, weekOf } from '../../server/merge/index.js';
import { openStore, type Store } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { cellReports, configLog, fill, startPublic } from './merge-setup.js';
import { DEFAULT_PROGRAMS, expected, generateReports } from './report-gen.js';

const WEEKS = ['2026-11-23', '2026-11-26', '2026-11-29', '2026-12-02', '2026-12-09'];
const reports = generateReports({ seed: 5, count: 240, weeks: WEEKS });
const log = configLog();

let store: Store;
let site: { url: string; close(): Promise<void> };
let strictStore: Store;
let strict: { url: string; close(): Promise<void> };
let noisy: { url: string; close(): Promise<void> };
let browser: Browser;
let page: Page;
const problems: string[] = [];
const foreign: string[] = [];

beforeAll(async () => {
  store = await openStore({ data: tempDir('tt-pages-') });
  await fill(store, reports, (report, i) => addDays(report.Week, 1 + (i % 4)));
  expect(
    await runMerge(store, { publish: 'raw', k: 20, now: new Date('2026-12-20T00:00:00Z') }),
  ).not.toBeNull();
  site = await startPublic({ store, publish: 'raw', k: 20, ...log });
  // Aggregates mode: one cell of k reports (one counter in k - 1 of them), one of k - 1.
  strictStore = await openStore({ data: tempDir('tt-pages-agg-') });
  await fill(
    strictStore,
    [...cellReports('enough', 20, 0, 19), ...cellReports('few', 19, 0.5, 0)],
    () => '2026-11-30',
  );
  expect(
    await runMerge(strictStore, {
      publish: 'aggregates',
      k: 20,
      now: new Date('2026-12-22T00:00:00Z'),
    }),
  ).not.toBeNull();
  // Without the vendor's key, as `serve` reads its own log: entries checked against the root only.
  strict = await startPublic({
    store: strictStore,
    publish: 'aggregates',
    k: 20,
    logDir: log.logDir,
  });
  noisy = await startPublic({
    store: strictStore,
    publish: 'aggregates',
    k: 25,
    epsilon: 0.5,
    ...log,
  });
  ({ browser, page } = await openLocalPage(foreign));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await strict?.close();
  await noisy?.close();
  await store?.close();
  await strictStore?.close();
});

/** What one program's row must say in a week, summed over its versions. */
function recount(program: string, week: string) {
  const versions = DEFAULT_PROGRAMS.find(
    (defaultProgram) => defaultProgram.name === program,
  )!.versions;
  const sum = { reports: 0, counters: new Map<string, { has: number; total: bigint }>() };
  for (const v of versions) {
    const e = expected(reports, weekOf, week, program, v);
    sum.reports += e.reports;
    for (const [k, c] of e.counters) {
      const s = sum.counters.get(k) ?? { has: 0, total: 0n };
      sum.counters.set(k, { has: s.has + c.has, total: s.total + c.total });
    }
  }
  return sum;
}

function drawn(canvas: HTMLCanvasElement): boolean {
  const blank = document.createElement('canvas');
  blank.width = canvas.width;
  blank.height = canvas.height;
  return canvas.width > 0 && canvas.height > 0 && canvas.toDataURL() !== blank.toDataURL();
}

describe('/charts in Chromium', () => {
  it('shows per program and counter, across weeks, the recounted numbers', async () => {
    const res = await page.goto(`${site.url}/charts`);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    const weeks = ['2026-11-29', '2026-12-06', '2026-12-13'];
    for (const p of DEFAULT_PROGRAMS) {
      const section = page.locator(`section[data-program="${p.name}"]`);
      const shownReports = await section
        .locator('tr[data-row="reports"] td')
        .evaluateAll((tds) =>
          tds.map((cell) => [
            cell.getAttribute('data-week'),
            Number(cell.getAttribute('data-reports')),
          ]),
        );
      expect(shownReports).toEqual(weeks.map((week) => [week, recount(p.name, week).reports]));
      let checked = 0;
      for (const counter of p.counters) {
        const chart = counter.includes(':') ? counter.slice(0, counter.indexOf(':')) : counter;
        const bucket = counter.includes(':') ? counter.slice(counter.indexOf(':') + 1) : counter;
        const cells = await section
          .locator(`figure[data-chart="counter:${chart}"] tr[data-bucket="${bucket}"] td`)
          .evaluateAll((tds) =>
            tds.map((cell) => [
              Number(cell.getAttribute('data-reports')),
              cell.getAttribute('data-total'),
              Number(cell.getAttribute('data-fraction')),
            ]),
          );
        expect(cells).toEqual(
          weeks.map((week) => {
            const r = recount(p.name, week);
            const c = r.counters.get(counter);
            return c ? [c.has, String(c.total), c.has / r.reports] : [0, null, 0];
          }),
        );
        checked++;
      }
      expect(checked).toBe(p.counters.length);
    }
  });

  it('draws every chart with the Chart.js served by the server, with no null in its data', async () => {
    const canvases = page.locator('canvas[data-index]');
    const n = await canvases.count();
    expect(n).toBeGreaterThan(10);
    for (let i = 0; i < n; i++) {
      const c = canvases.nth(i);
      await c.scrollIntoViewIfNeeded();
      await expect.poll(() => c.evaluate(drawn), { timeout: 10_000 }).toBe(true);
    }
    const data = await page.locator('#chart-data').textContent();
    expect(data).not.toContain('null');
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('/data, /config and /privacy in Chromium', () => {
  it('links every download, and the downloads hold the recount', async () => {
    await page.goto(`${site.url}/data`);
    const weeks = await page
      .locator('table.downloads tr[data-week]')
      .evaluateAll((trs) => trs.map((row) => row.getAttribute('data-week')));
    expect(weeks).toEqual(['2026-12-13', '2026-12-06', '2026-11-29']);
    // Named by the Sunday; the row shows both ends, and the page says how a report's Week maps.
    expect(await page.locator('tr[data-week="2026-12-06"] td').first().textContent()).toBe(
      '2026-11-30 to 2026-12-06',
    );
    expect(await page.locator('#week-naming').textContent()).toContain(
      'Monday to Sunday (UTC), named by their Sunday',
    );
    const days = await page.locator('ul.days li').count();
    expect(days).toBe(new Set(reports.map((report, i) => addDays(report.Week, 1 + (i % 4)))).size);
    await page.click('tr[data-week="2026-12-06"] a:text("JSON")');
    const a = JSON.parse((await page.locator('body').textContent()) ?? '');
    const mine = a.cells.find(
      (cell: { program: string; version: string }) =>
        cell.program === 'mytool' && cell.version === '1.3.0',
    );
    expect(mine.reports).toBe(expected(reports, weekOf, '2026-12-06', 'mytool', '1.3.0').reports);
    expect(problems).toEqual([]);
  });

  it('shows every config version, newest first, the one in force marked', async () => {
    await page.goto(`${site.url}/config`);
    expect(await page.locator('section.config-version h2').allTextContents()).toEqual([
      'v1 (in force)',
      'v0',
    ]);
    expect(await page.locator('section[data-index="0"] pre').textContent()).toContain(
      '"SampleRate": 0.5',
    );
  });

  it('says what is collected from the config in force, and what the mode publishes', async () => {
    await page.goto(`${site.url}/privacy`);
    expect(await page.locator('#mode').getAttribute('data-mode')).toBe('raw');
    expect(
      await page
        .locator('section.program')
        .evaluateAll((sections) => sections.map((x) => x.getAttribute('data-program'))),
    ).toEqual(DEFAULT_PROGRAMS.map((defaultProgram) => defaultProgram.name));
    expect(await page.locator('section[data-program="mytool"] code').allTextContents()).toEqual(
      expect.arrayContaining(['mytool/flag:json', 'mytool/crash']),
    );
    await page.goto(`${strict.url}/privacy`);
    expect(await page.locator('#mode').getAttribute('data-mode')).toBe('aggregates');
    expect(await page.locator('#k').textContent()).toBe('20');
    expect(await page.locator('#noise').getAttribute('data-noise')).toBe('off');
    expect(await page.locator('#noise').textContent()).toContain('No noise is added');
    expect(await page.locator('#noise').textContent()).toContain(
      'k alone does not resist injected reports',
    );
    await page.goto(`${noisy.url}/privacy`);
    expect(await page.locator('#noise').getAttribute('data-noise')).toBe('on');
    expect(await page.locator('#k').textContent()).toBe('25');
    expect(await page.locator('#epsilon').textContent()).toBe('0.5');
    expect(await page.locator('#delta').textContent()).toBe('1e-7');
    // ε 0.5 over 64 counts, δ 1e-7: the threshold labelThreshold derives (test/server/merge-privacy.unit.test.ts).
    expect(Number(await page.locator('#threshold').textContent())).toBe(
      labelThreshold({ epsilon: 0.5, delta: 1e-7, valuesPerReport: 64 }, 25),
    );
    expect(await page.locator('#noise').textContent()).toContain('What it does not');
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('aggregates mode in Chromium', () => {
  it('shows only cells and rows from at least k reports, exactly when no epsilon is set', async () => {
    await page.goto(`${strict.url}/charts`);
    expect(
      await page
        .locator('section.program')
        .evaluateAll((sections) => sections.map((x) => x.getAttribute('data-program'))),
    ).toEqual(['enough']);
    expect(
      await page
        .locator('tr[data-row="reports"] td')
        .evaluateAll((tds) => tds.map((cell) => cell.getAttribute('data-reports'))),
    ).toEqual(['20']);
    const run = page.locator(
      'figure[data-chart="counter:enough/run"] tr[data-bucket="enough/run"] td',
    );
    expect(
      await run.evaluateAll((tds) =>
        tds.map((cell) => [
          cell.getAttribute('data-reports'),
          cell.getAttribute('data-total'),
          cell.getAttribute('data-fraction'),
        ]),
      ),
    ).toEqual([['20', '210', '1']]);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('few');
    expect(text).not.toContain('enough/rare');
    expect(text).toContain('Publication mode aggregates');
    await expect
      .poll(() => page.locator('canvas[data-index]').first().evaluate(drawn), { timeout: 10_000 })
      .toBe(true);
    await page.goto(`${strict.url}/data`);
    expect(await page.locator('ul.days').count()).toBe(0);
    expect(await page.locator('a[href="/data/ledger.json"]').count()).toBe(1);
    await page.goto(`${strict.url}/config`);
    expect(await page.locator('section.config-version h2').allTextContents()).toEqual([
      'v1 (in force)',
      'v0',
    ]);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});
