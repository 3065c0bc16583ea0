// `telemetry view` in a real headless Chromium: the server runs in this process on a free
// port, the page is the built app.js, and the telemetry directory holds Go's own count file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPage } from '../chromium.js';
import { layout, recordProgram } from '../../counter/settings/index.js';
import { collectorId, collectorPaths } from '../../upload/index.js';
import { startViewServer, type ViewServer } from '../../cmd/telemetry/view-server.js';
import { ROOT } from '../helpers.js';
import { summarizePng } from './png.js';
import {
  BROKEN,
  GEN,
  buildAssets,
  makeTelemetryDir,
  mytoolWeek2,
  writeMytoolWeek2,
} from './setup.js';
import { cells, waitDrawn } from './page-probes.js';

const MAX_U64 = '18446744073709551615';
const UTF8 = 'gen/utf8:héllo-wörld-日本語-🚀';

let root: string;
let server: ViewServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const foreign: string[] = [];

beforeAll(async () => {
  root = makeTelemetryDir();
  // gen (mode on) names a collector whose last verified config, as the uploader caches it, lists gen/plain.
  const collector = {
    url: 'https://collector.example/gen',
    key: 'collector.example/gen+5d69cecd+AW56HN0psLeP0Tr0xVmP7/TvKpcWbjym8uT7/M2AUFvx',
  };
  recordProgram(layout(root), GEN, { collector });
  const cp = collectorPaths(layout(root), collectorId(collector));
  mkdirSync(cp.dir, { recursive: true });
  writeFileSync(
    cp.configFile,
    JSON.stringify({
      config: 'v3',
      body: {
        GOOS: ['linux'],
        GOARCH: ['amd64'],
        GoVersion: ['go1.23.5'],
        SampleRate: 1,
        Programs: [
          {
            Name: GEN,
            Versions: ['v1.0.0'],
            Counters: [{ Name: 'gen/plain', Rate: 0.5 }],
            Stacks: [],
          },
        ],
      },
    }),
  );
  server = await startViewServer({
    dirs: layout(root),
    port: 0,
    assets: await buildAssets(),
    env: {},
    cwd: root,
  });
  ({ browser, page } = await openLocalPage(foreign));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${server.url}?interval=200`);
  await page.waitForSelector('tr[data-counter="gen/saturated"]');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('telemetry view in Chromium', () => {
  it('shows exact counter names and 64-bit values from a Go count file', async () => {
    expect(await cells(page, GEN, 'gen/saturated')).toEqual([
      [MAX_U64, '18,446,744,073,709,551,615'],
      [MAX_U64, '18,446,744,073,709,551,615'],
    ]);
    expect(await cells(page, GEN, UTF8)).toEqual([
      ['5', '5'],
      ['5', '5'],
    ]);
    expect(await cells(page, GEN, 'gen/clamped')).toEqual([
      ['8589934591', '8,589,934,591'],
      ['8589934591', '8,589,934,591'],
    ]);
    // The second Go file is the same program one week on, with patched values.
    expect(await cells(page, GEN, 'gen/plain')).toEqual([
      [expect.any(String), expect.any(String)],
      ['30', '30'],
    ]);
    const weeks = await page
      .locator(`section[data-program="${GEN}"] table.counters thead th`)
      .allTextContents();
    expect(weeks).toEqual(['Counter', '2026-11-26', '2026-12-03']);
  });

  it('sends values as exact decimal strings in /api/data', async () => {
    const text = await (await fetch(`${server.url}api/data`)).text();
    expect(text).toContain(`{"name":"gen/saturated","value":"${MAX_U64}"}`);
  });

  it('draws charts on canvases', async () => {
    const first = `section[data-program="${GEN}"] figure.card canvas`;
    await waitDrawn(page, first);
    const sizes = await page
      .locator(first)
      .first()
      .evaluate((canvas: HTMLCanvasElement) => [canvas.clientWidth, canvas.clientHeight]);
    expect(sizes[0]).toBeGreaterThan(100);
    expect(sizes[1]).toBeGreaterThan(100);
    expect(
      await page.locator(`section[data-program="${GEN}"] figure.card`).count(),
    ).toBeGreaterThanOrEqual(10);
  });

  it('draws bucket families as one grouped chart', async () => {
    const flag = page.locator('figure[data-chart="mytool/flag"]');
    await expect.poll(() => flag.getAttribute('data-family')).toBe('true');
    expect(await flag.locator('.kind').textContent()).toBe('3 buckets');
    expect(await flag.locator('canvas').getAttribute('aria-label')).toContain(
      'buckets json, quiet, verbose',
    );
    await waitDrawn(page, 'figure[data-chart="mytool/flag"] canvas');
    // Go's fixture has a family of one bucket; it is still drawn by bucket under its prefix.
    expect(await page.locator('figure[data-chart="gen/bucket"]').getAttribute('data-family')).toBe(
      'true',
    );
    await waitDrawn(page, 'figure[data-chart="gen/bucket"] canvas');
    // Names without ':' are not families, however alike they look.
    expect(
      await page.locator('figure[data-chart="gen/many/000"]').getAttribute('data-family'),
    ).toBe('false');
  });

  it('shows stack counters as collapsible frames', async () => {
    const stacks = page.locator(`section[data-program="${GEN}"] details[data-stack="gen/stack"]`);
    expect(await stacks.count()).toBe(2);
    const first = stacks.first();
    expect(await first.evaluate((details: HTMLDetailsElement) => details.open)).toBe(false);
    await first.locator('summary').click();
    expect(await first.evaluate((details: HTMLDetailsElement) => details.open)).toBe(true);
    // Ditto marks are expanded: every frame names its full path.
    expect(await first.locator('pre.frames').textContent()).toBe(
      'main.siteA:+0,+0x19\nmain.main:+97,+0xb99\nruntime.main:+125,+0x28a\nruntime.goexit:+0,+0x0',
    );
    const crash = page.locator('details[data-stack="mytool/crash"] pre.frames');
    expect(await crash.textContent()).toBe(
      'mytool/lib.parseArgs\nmytool/lib.main\nnode:internal/main.run',
    );
  });

  it("shows the machine-wide mode and each program's effective mode with its reason", async () => {
    const machine = page.locator('#machine-mode');
    expect(await machine.locator('.badge').textContent()).toBe('on');
    expect(await machine.locator('.why').textContent()).toContain('machine-wide choice');
    const mytool = page.locator('.program-modes li', { hasText: 'mytool' });
    expect(await mytool.locator('.badge').textContent()).toBe('off');
    expect(await mytool.locator('.why').textContent()).toContain("this program's choice");
    const gen = page.locator('.program-modes li', { hasText: GEN });
    expect(await gen.locator('.badge').textContent()).toBe('on');
  });

  it("marks the counters a program's collector may receive, and says where reports go", async () => {
    const section = page.locator(`section[data-program="${GEN}"]`);
    expect(await section.locator('.upload-line').textContent()).toBe(
      'Weekly reports go to https://collector.example/gen; its config v3 lists the counters marked ↑. Preview the exact bytes with: telemetry preview',
    );
    const plain = section.locator('tr[data-counter="gen/plain"]');
    expect(await plain.getAttribute('data-upload')).toBe('listed');
    expect(await plain.locator('.upload-mark').textContent()).toBe(' ↑');
    expect(await plain.getAttribute('title')).toContain('rate 0.5');
    expect(
      await section.locator('tr[data-counter="gen/saturated"]').getAttribute('data-upload'),
    ).toBe('local');
    expect(
      await page.locator('section[data-program="mytool"] .upload-line').getAttribute('data-upload'),
    ).toBe('none');
  });

  it('lists an unreadable file by name and still shows the rest', async () => {
    const errors = page.locator('#errors');
    expect(await errors.isVisible()).toBe(true);
    expect(await errors.locator('li .file').allTextContents()).toEqual([BROKEN]);
    expect(await errors.locator('li .reason').textContent()).toContain('not a count file');
    expect(await page.locator('section.program').count()).toBe(2);
  });

  it('filters by program and by version', async () => {
    await page.selectOption('#program', GEN);
    expect(await page.locator('section[data-program="mytool"]').count()).toBe(0);
    expect(await page.locator('tr[data-counter^="mytool/"]').count()).toBe(0);
    expect(await page.locator(`section[data-program="${GEN}"]`).count()).toBe(1);

    await page.selectOption('#program', 'mytool');
    expect(await page.locator('#version option').allTextContents()).toEqual([
      'All versions',
      '1.2.0',
      '1.3.0',
    ]);
    await page.selectOption('#version', '1.3.0');
    expect(
      await page
        .locator('section[data-program="mytool"] table.counters thead th')
        .allTextContents(),
    ).toEqual(['Counter', '2026-12-03']);
    expect(await cells(page, 'mytool', 'mytool/run')).toEqual([['20', '20']]);

    await page.selectOption('#program', '');
    expect(await page.locator('section.program').count()).toBe(2);
  });

  it('follows a count file as it changes, without reloading', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    writeMytoolWeek2(root, [
      ...mytoolWeek2.filter(([name]) => name !== 'mytool/run'),
      ['mytool/run', 987654321n],
      ['mytool/flag:color', 2n],
    ]);
    await expect
      .poll(() => cells(page, 'mytool', 'mytool/run'), { timeout: 10_000 })
      .toEqual([
        ['12', '12'],
        ['987654321', '987,654,321'],
      ]);
    expect(await page.locator('figure[data-chart="mytool/flag"] .kind').textContent()).toBe(
      '4 buckets',
    );
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  });

  it('renders a full page: banner, charts and table on screen, nothing wider than the window (screenshot)', async () => {
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await waitDrawn(page, `section[data-program="${GEN}"] figure.card canvas`);
    const png = await page.screenshot({
      path: join(ROOT, 'test-output', 'view.png'),
      fullPage: true,
    });
    const shot = summarizePng(png);
    expect(shot.width).toBe(1280); // no horizontal overflow widened the page
    expect(shot.height).toBeGreaterThan(900); // the whole page, not one empty viewport
    expect(shot.colours).toBeGreaterThan(20); // text, bars and colours, not a blank or single-colour page
    const first = page.locator(`section[data-program="${GEN}"] figure.card canvas`).first();
    const box = await first.boundingBox();
    expect(
      box && box.width > 100 && box.height > 50 && box.x >= 0 && box.x + box.width <= 1280,
    ).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      1280,
    );
  });

  it('shows every chart on request, drawing each as it scrolls into view', async () => {
    const saturated = `figure[data-chart="gen/saturated"] canvas`;
    expect(await page.locator(saturated).count()).toBe(0);
    await page.getByRole('button', { name: /^Show 5\d\d more charts$/ }).click();
    expect(await page.locator(`section[data-program="${GEN}"] figure.card`).count()).toBe(609);
    await waitDrawn(page, saturated);
    expect(await page.locator(saturated).getAttribute('aria-label')).toContain(
      'gen/saturated: bars per week',
    );
  });

  it('logs no errors and asks no host but 127.0.0.1 for anything', () => {
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
