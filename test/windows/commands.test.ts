// Windows, under Wine (test/windows/wine.ts): the installed `telemetry` command while another
// Windows process holds the count file, `telemetry view`, and the weekly upload from a Windows
// tool to a collector on 127.0.0.1. Skipped, with the reason printed, where Wine or Node for
// Windows cannot be had. What Wine cannot show of Windows is said in docs/windows.md.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCollector, configFor, startCollector } from '../upload/collector.js';
import { setMode } from '../upload/fixture.js';
import { DAY, settledChildLogs, telemetryDir, waitFor } from '../upload-trigger/harness.js';
import { countFiles, readOnly, tempDir } from '../helpers.js';
import { installApp, skip, startTool, telemetryOn, tool } from './app.js';
import { appears, winPath } from './wine.js';

beforeAll(() => {
  if (!skip) installApp();
}, 240_000);

describe.skipIf(skip)('on Windows, the commands while a tool holds its count file', () => {
  it('status, dump, on, local work; clean, off --purge keep the held file, say why', async () => {
    const dir = tempDir('tt-wine-held-');
    const [ready, stop] = [join(dir, 'ready'), join(dir, 'stop')];
    const hold = { ready: winPath(ready), stop: winPath(stop) };
    const holder = startTool(dir, { hold });
    await appears(ready);
    const status = await telemetryOn(dir, ['status']);
    expect(status.stdout).toMatch(
      /1 active count file, 0 finished\s+%40acme%2Fwintool@2\.0\.1-node22\.[\d.]+-win32-x64-/,
    );
    const dump = await telemetryOn(dir, ['dump']);
    expect(dump.stdout).toMatch(/OS\s+win32[\s\S]*tool\/runs\s+1/);
    for (const mode of ['on', 'local']) {
      expect((await telemetryOn(dir, [mode])).status).toBe(0);
      expect(readFileSync(join(dir, 'mode'), 'utf8')).toMatch(new RegExp(`^${mode} `));
    }
    // Windows (and Wine) refuse to delete a file that a running process has mapped: it stays.
    const clean = await telemetryOn(dir, ['clean', '--yes']);
    expect(clean.status).toBe(1);
    expect(clean.stderr).toContain(
      'Windows cannot delete a file a running program has mapped: run clean again',
    );
    const purge = await telemetryOn(dir, ['off', '--purge']);
    expect(purge.status).toBe(1);
    expect(purge.stdout).toContain('deleted 0 of 1 count file and 0 reports');
    expect(countFiles(dir)).toHaveLength(1);
    writeFileSync(stop, '');
    expect((await holder).status).toBe(0);
    // The holder counted on into its file until it ended; once it has, clean deletes the file.
    expect(readOnly(countFiles(dir)[0]!).counts).toEqual(
      new Map([
        ['tool/runs', 1n],
        ['tool/held', 1n],
      ]),
    );
    expect(await tool(dir)).toMatchObject({ mode: 'off', file: null });
    const again = await telemetryOn(dir, ['clean', '--yes']);
    expect(again.status, again.stderr).toBe(0);
    expect(countFiles(dir)).toEqual([]);
  }, 180_000);
  it('telemetry view serves the page and its data from Windows', async () => {
    const dir = tempDir('tt-wine-view-');
    await tool(dir, { times: 3 });
    const [stdoutFile, stop] = [join(dir, 'view.out'), new AbortController()];
    const view = telemetryOn(dir, ['view', '--port', '0'], { stdoutFile, signal: stop.signal });
    try {
      await appears(stdoutFile);
      const url = await waitFor(
        () => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(readFileSync(stdoutFile, 'utf8'))?.[1],
        Boolean,
        60_000,
      );
      expect(url).toBeDefined();
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      const data = await (await fetch(`${url}api/data`)).text();
      expect(data).toContain('"tool/runs"');
      expect(data).toContain('win32');
    } finally {
      stop.abort();
      await view;
    }
  });
});

const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

describe.skipIf(skip)('on Windows, the weekly upload', () => {
  let collector: TestCollector;
  beforeAll(async () => {
    collector = await startCollector('win');
    collector.publish({
      ...configFor(['@acme/wintool'], { counters: [{ Name: 'tool/runs', Rate: 1 }] }),
      GOOS: ['win32'],
      GOARCH: ['x64'],
      Programs: [
        {
          Name: '@acme/wintool',
          Versions: ['>=2.0.0 <3'],
          Counters: [{ Name: 'tool/runs', Rate: 1 }],
          Stacks: [],
        },
      ],
    });
  });
  afterAll(() => collector?.close());

  it("a tool's background run sends the finished week, byte for byte preview's", async () => {
    const dir = telemetryDir();
    setMode(dir, null, 'on', day(-30));
    const options = { collector: { url: collector.url, key: collector.key } };
    await tool(dir, { ...options, now: `${day(-10)}T12:00:00Z`, times: 4 });
    const preview = await telemetryOn(dir, ['preview', '--json']);
    expect(preview.status, preview.stderr).toBe(0);
    const [report] = JSON.parse(preview.stdout).collectors[0].reports;
    expect(collector.posts).toEqual([]);
    // Today's run: the week that ended is due, so the tool starts the background run and exits.
    expect(await tool(dir, options)).toMatchObject({ mode: 'on', backend: 'win32' });
    await collector.untilPosts(1);
    const [log] = await settledChildLogs(dir, 1);
    expect(log).toMatch(/upload run ended/);
    expect(collector.posts).toHaveLength(1);
    const body = collector.posts[0]!.body.toString('utf8');
    expect(body).toBe(report.bytes);
    expect(JSON.parse(body).Programs).toMatchObject([
      { Program: '@acme/wintool', GOOS: 'win32', GOARCH: 'x64', Counters: { 'tool/runs': 4 } },
    ]);
  }, 180_000);

  it('a stale upload token is renewed on Windows (by inode and time); the run starts', async () => {
    const dir = telemetryDir();
    setMode(dir, null, 'on', day(-30));
    const options = { collector: { url: collector.url, key: collector.key } };
    await tool(dir, { ...options, now: `${day(-10)}T12:00:00Z` });
    const token = join(dir, 'upload.token');
    writeFileSync(token, '');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    utimesSync(token, twoDaysAgo, twoDaysAgo);
    collector.posts.length = 0;
    await tool(dir, options);
    await collector.untilPosts(1);
    await settledChildLogs(dir, 1);
    expect(collector.posts).toHaveLength(1);
    expect(Date.now() - statSync(token).mtimeMs).toBeLessThan(DAY);
    expect(readdirSync(dir).filter((name) => name.startsWith('upload.token.'))).toEqual([]);
  }, 180_000);

  // Windows hands pids out again soon: the start time tells a new process from the holder.
  it("a week's lock naming a live process started at another time is broken", async () => {
    const [dir, other] = [telemetryDir(), tempDir('tt-wine-other-')];
    setMode(dir, null, 'on', day(-30));
    const options = { collector: { url: collector.url, key: collector.key } };
    await tool(dir, { ...options, now: `${day(-10)}T12:00:00Z` });
    const week = readOnly(countFiles(dir)[0]!).meta.TimeEnd!.slice(0, 10);
    const [ready, stop] = [join(other, 'ready'), join(other, 'stop')];
    const holder = startTool(other, { hold: { ready: winPath(ready), stop: winPath(stop) } });
    await appears(ready);
    const pid = Number(readFileSync(ready, 'utf8'));
    const cid = createHash('sha256')
      .update(`${collector.url}\n${collector.key}`)
      .digest('hex')
      .slice(0, 16);
    mkdirSync(join(dir, 'upload', cid), { recursive: true });
    // A live pid, another start time.
    const lock = { pid, start: '1', nonce: '0123456789abcdef', time: Date.now() };
    writeFileSync(join(dir, 'upload', cid, `${week}.lock`), JSON.stringify(lock));
    collector.posts.length = 0;
    const upload = await telemetryOn(dir, ['upload', '--json']);
    writeFileSync(stop, '');
    await holder;
    expect(upload.status, upload.stderr).toBe(0);
    expect(JSON.parse(upload.stdout).sent).toMatchObject([{ week, status: 200 }]);
    expect(collector.posts.map((post) => post.week)).toEqual([week]);
  }, 180_000);
});
