// Windows, under Wine: the packed toolkit installed for win32-x64 into an empty project and
// run by the official Windows build of Node 22 (test/windows/wine.ts). Skipped, with the
// reason printed, where Wine or that Node cannot be had. What Wine cannot show of Windows is
// said where it matters, here and in docs/windows.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { isCI } from 'ci-info';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestCollector, configFor, startCollector } from '../upload/collector.js';
import { setMode } from '../upload/fixture.js';
import { DAY, settledChildLogs, telemetryDir, waitFor } from '../upload-trigger/harness.js';
import { ROOT, countFiles, readOnly, tempDir } from '../helpers.js';
import { buildGoTools, goRead, skipGo } from '../go-interop/go.js';
import { NODE_WIN, PREFIX, type WindowsOptions, appears, ensurePrefix, runWindows, winPath, wineSkipReason } from './wine.js';

const skip = wineSkipReason();
if (skip) console.warn(`skipped: the Windows tests: ${skip}`);

const work = tempDir('tt-wine-');
const app = join(work, 'app');
const telemetry = join(app, 'node_modules', 'transparent-telemetry', 'dist', 'cmd', 'telemetry.js');


/**
 * Installing koffi's two packages takes ~40 s here. Outside CI, later runs start from a copy of
 * the first run's dependencies (node_modules without the toolkit), so only the new tarball is
 * installed; npm still replaces any dependency that no longer matches the tarball's package.json.
 */
const DEPS = join(ROOT, 'test-output', 'wine', 'deps');

beforeAll(() => {
  if (skip) return;
  ensurePrefix();
  const pack = spawnSync('npm', ['pack', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
  mkdirSync(app);
  if (!isCI && existsSync(join(DEPS, 'koffi'))) cpSync(DEPS, join(app, 'node_modules'), { recursive: true });
  const manifest = { name: '@acme/wintool', version: '2.0.1', type: 'module', private: true };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest));
  copyFileSync(join(import.meta.dirname, 'tool.mjs'), join(app, 'tool.mjs'));
  // What `npm install` does on Windows: the win32-x64 optional packages (koffi's binary).
  const args = ['install', '--no-audit', '--no-fund', '--os=win32', '--cpu=x64', '--force', join(work, tarball)];
  const install = spawnSync('npm', args, { cwd: app, encoding: 'utf8' });
  expect(install.status, install.stderr).toBe(0);
  rmSync(DEPS, { recursive: true, force: true });
  cpSync(join(app, 'node_modules'), DEPS, { recursive: true, filter: (from) => !/[\\/](transparent-telemetry|\.package-lock\.json|\.bin)$/.test(from) });
}, 240_000);

/** Runs tool.mjs on Windows with its own telemetry folder (a Unix path, given as Z:\…). */
async function tool(dir: string, spec: object = {}) {
  const run = await runWindows(['tool.mjs', JSON.stringify(spec)], { cwd: app, env: { TRANSPARENT_TELEMETRY_DIR: winPath(dir) } });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { mode: string; file: string | null; backend: string | null; reason: string };
}

describe.skipIf(skip)('on Windows (Node 22 for Windows under Wine)', () => {
  it('the packed toolkit installs for win32-x64 and counts into a mapped file named for win32', async () => {
    const deps = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(deps.sort()).toEqual(['@koromix', 'koffi', 'transparent-telemetry']);
    expect(readdirSync(join(app, 'node_modules', '@koromix'))).toEqual(['koffi-win32-x64']);
    const dir = tempDir('tt-wine-count-');
    const result = await tool(dir, { name: 'tool/runs', times: 3 });
    expect(result).toMatchObject({ mode: 'local', backend: 'win32' });
    expect(result.file).toMatch(/^Z:\\.*\\local\\%40acme%2Fwintool@2\.0\.1-node22\.\d+\.\d+-win32-x64-\d{4}-\d\d-\d\d\.v1\.count$/);
    await tool(dir, { name: 'tool/runs', times: 2 });
    const [file] = countFiles(dir);
    const read = readOnly(file!);
    expect(read.meta).toMatchObject({ OS: 'win32', Arch: 'x64', Program: '@acme/wintool' });
    expect(read.counts.get('tool/runs')).toBe(5n);
  });

  it('two concurrent Windows processes add up exactly, read alike by our reader and Go\'s parser', async () => {
    const dir = tempDir('tt-wine-race-');
    const env = { TRANSPARENT_TELEMETRY_DIR: winPath(dir) };
    const spec = JSON.stringify({ name: 'tool/hot', times: 50_000 });
    const both = await Promise.all([0, 1].map(() => runWindows(['tool.mjs', spec], { cwd: app, env })));
    for (const run of both) expect(run.status, run.stderr).toBe(0);
    const files = countFiles(dir);
    expect(files).toHaveLength(1);
    const ours = readOnly(files[0]!);
    expect(ours.counts.get('tool/hot')).toBe(100_000n);
    if (skipGo) return;
    const go = goRead(buildGoTools('wine'), files).get(files[0]!)!;
    expect(go.counts).toEqual(ours.counts);
    expect(go.meta).toEqual(ours.meta);
  });

  // Wine does not enforce MAX_PATH: this shows deep folders work, not that \\?\ names are needed.
  it('counts into a folder whose path is longer than MAX_PATH (260 characters)', async () => {
    const dir = join(tempDir('tt-wine-long-'), ...['a', 'b', 'c'].map((letter) => letter.repeat(100)));
    expect(winPath(dir).length).toBeGreaterThan(300);
    expect(await tool(dir, { times: 2 })).toMatchObject({ mode: 'local', backend: 'win32' });
    expect(readOnly(countFiles(dir)[0]!).counts.get('tool/runs')).toBe(2n);
  });

  it('a count file\'s name that leads to a device is left as it is: the tool counts in memory', async () => {
    // Wine shows a Unix symbolic link to /dev/zero as the device itself (not as a reparse point).
    const dir = tempDir('tt-wine-device-');
    mkdirSync(join(dir, 'local'));
    const name = `%40acme%2Fwintool@2.0.1-node${NODE_WIN}-win32-x64-2026-11-10.v1.count`;
    symlinkSync('/dev/zero', join(dir, 'local', name));
    const result = await tool(dir, { now: '2026-11-10T12:00:00Z' });
    expect(result).toMatchObject({ mode: 'local', file: null, backend: null });
    expect(result.reason).toMatch(/is a device, not a file; left as it is/);
  });
});

describe.skipIf(skip)('on Windows, where the settings are', () => {
  it('the telemetry folder is under %APPDATA%, and a project\'s package.json can turn counting off', async () => {
    // Wine sets %APPDATA% to the prefix's C:\users\<user>\AppData\Roaming, whatever Unix says.
    const project = tempDir('tt-wine-project-');
    const args = [winPath(join(app, 'tool.mjs')), '{}'];
    const counted = await runWindows(args, { cwd: app });
    expect(counted.status, counted.stderr).toBe(0);
    const file = JSON.parse(counted.stdout).file as string;
    expect(file).toMatch(/^C:\\users\\[^\\]+\\AppData\\Roaming\\transparent-telemetry\\local\\%40acme%2Fwintool@/);
    const folder = join(PREFIX, 'drive_c', ...file.slice(3).split('\\').slice(0, 5));
    try {
      expect(countFiles(folder)).toHaveLength(1);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'work', transparentTelemetry: 'off' }));
      const off = await runWindows(args, { cwd: project });
      expect(off.status, off.stderr).toBe(0);
      expect(JSON.parse(off.stdout)).toMatchObject({ mode: 'off', file: null });
      expect(JSON.parse(off.stdout).reason).toContain(`${winPath(project)}\\package.json`);
    } finally {
      rmSync(folder, { recursive: true, force: true }); // the prefix is kept between runs
    }
  });
});

/** The `telemetry` command on Windows, on the telemetry folder `dir`. */
async function telemetryOn(dir: string, args: string[], env: Record<string, string> = {}, more: Partial<WindowsOptions> = {}) {
  return runWindows([telemetry, ...args], { cwd: app, env: { TRANSPARENT_TELEMETRY_DIR: winPath(dir), ...env }, ...more });
}

describe.skipIf(skip)('on Windows, the commands while a tool holds its count file', () => {
  it('status, dump, on, local work; clean and off --purge leave the held file and say why', async () => {
    const dir = tempDir('tt-wine-held-');
    const [ready, stop] = [join(dir, 'ready'), join(dir, 'stop')];
    const hold = { ready: winPath(ready), stop: winPath(stop) };
    const holder = runWindows(['tool.mjs', JSON.stringify({ hold })], { cwd: app, env: { TRANSPARENT_TELEMETRY_DIR: winPath(dir) } });
    await appears(ready);
    const status = await telemetryOn(dir, ['status']);
    expect(status.stdout).toMatch(/1 active count file, 0 finished\s+%40acme%2Fwintool@2\.0\.1-node22\.[\d.]+-win32-x64-/);
    const dump = await telemetryOn(dir, ['dump']);
    expect(dump.stdout).toMatch(/OS\s+win32[\s\S]*tool\/runs\s+1/);
    for (const mode of ['on', 'local']) {
      expect((await telemetryOn(dir, [mode])).status).toBe(0);
      expect(readFileSync(join(dir, 'mode'), 'utf8')).toMatch(new RegExp(`^${mode} `));
    }
    // Windows (and Wine) refuse to delete a file that a running process has mapped: it stays.
    const clean = await telemetryOn(dir, ['clean', '--yes']);
    expect(clean.status).toBe(1);
    expect(clean.stderr).toContain('Windows cannot delete a file a running program has mapped: run clean again');
    const purge = await telemetryOn(dir, ['off', '--purge']);
    expect(purge.status).toBe(1);
    expect(purge.stdout).toContain('deleted 0 of 1 count file and 0 reports');
    expect(countFiles(dir)).toHaveLength(1);
    writeFileSync(stop, '');
    expect((await holder).status).toBe(0);
    // The holder counted on into its file until it ended; once it has, clean deletes the file.
    expect(readOnly(countFiles(dir)[0]!).counts).toEqual(new Map([['tool/runs', 1n], ['tool/held', 1n]]));
    expect(await tool(dir)).toMatchObject({ mode: 'off', file: null });
    const again = await telemetryOn(dir, ['clean', '--yes']);
    expect(again.status, again.stderr).toBe(0);
    expect(countFiles(dir)).toEqual([]);
  }, 180_000);

  it('telemetry view serves the page and its data from Windows', async () => {
    const dir = tempDir('tt-wine-view-');
    await tool(dir, { times: 3 });
    const [stdoutFile, stop] = [join(dir, 'view.out'), new AbortController()];
    const view = telemetryOn(dir, ['view', '--port', '0'], {}, { stdoutFile, signal: stop.signal });
    try {
      await appears(stdoutFile);
      const url = await waitFor(() => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(readFileSync(stdoutFile, 'utf8'))?.[1], Boolean, 60_000);
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

  it('a tool that made its file just as telemetry was turned off deletes it (the purge race)', async () => {
    const dir = tempDir('tt-wine-race-off-');
    expect(await tool(dir, { offAtClock: true })).toMatchObject({ mode: 'off', file: null });
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('off 2026-11-10');
    expect(countFiles(dir)).toEqual([]);
  });

  it('a running tool moves to the next week\'s file when its week ends', async () => {
    const dir = tempDir('tt-wine-rotate-');
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'weekends'), '4\n'); // weeks end on Thursdays (2026-11-26 is one)
    const spec = { clock: '2026-11-25T23:59:58.500Z' };
    const run = await runWindows(['tool.mjs', JSON.stringify(spec)], { cwd: app, env: { TRANSPARENT_TELEMETRY_DIR: winPath(dir) } });
    expect(run.status, run.stderr).toBe(0);
    const files = countFiles(dir).sort();
    expect(files.map((file) => file.slice(-24))).toEqual(['x64-2026-11-25.v1.count', 'x64-2026-11-26.v1.count'].map((n) => `-${n}`));
    const [first, second] = files.map((file) => readOnly(file));
    expect(first!.counts).toEqual(new Map([['tool/runs', 1n]]));
    expect(second!.meta.TimeBegin).toBe('2026-11-26T00:00:00Z');
    expect(second!.counts).toEqual(new Map([['tool/after', 1n]]));
  }, 120_000);
});

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

describe.skipIf(skip)('on Windows, the weekly upload', () => {
  let collector: TestCollector;
  beforeAll(async () => {
    collector = await startCollector('win');
    collector.publish({ ...configFor(['@acme/wintool'], { counters: [{ Name: 'tool/runs', Rate: 1 }] }), GOOS: ['win32'], GOARCH: ['x64'], Programs: [{
      Name: '@acme/wintool', Versions: ['>=2.0.0 <3'], Counters: [{ Name: 'tool/runs', Rate: 1 }], Stacks: [],
    }] });
  });
  afterAll(() => collector?.close());

  it('a tool\'s background run sends the finished week from Windows, byte for byte what preview shows', async () => {
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
    await waitFor(() => collector.posts.length, (n) => n >= 1, 60_000);
    const [log] = await settledChildLogs(dir, 1);
    expect(log).toMatch(/upload run ended/);
    expect(collector.posts).toHaveLength(1);
    const body = collector.posts[0]!.body.toString('utf8');
    expect(body).toBe(report.bytes);
    expect(JSON.parse(body).Programs).toMatchObject([{ Program: '@acme/wintool', GOOS: 'win32', GOARCH: 'x64', Counters: { 'tool/runs': 4 } }]);
  }, 180_000);

  it('a week\'s lock naming a live process started at another time is broken (Windows reuses pids)', async () => {
    const [dir, other] = [telemetryDir(), tempDir('tt-wine-other-')];
    setMode(dir, null, 'on', day(-30));
    const options = { collector: { url: collector.url, key: collector.key } };
    await tool(dir, { ...options, now: `${day(-10)}T12:00:00Z` });
    const week = readOnly(countFiles(dir)[0]!).meta.TimeEnd!.slice(0, 10);
    const [ready, stop] = [join(other, 'ready'), join(other, 'stop')];
    const holder = runWindows(['tool.mjs', JSON.stringify({ hold: { ready: winPath(ready), stop: winPath(stop) } })], {
      cwd: app, env: { TRANSPARENT_TELEMETRY_DIR: winPath(other) },
    });
    await appears(ready);
    const pid = Number(readFileSync(ready, 'utf8'));
    const cid = createHash('sha256').update(`${collector.url}\n${collector.key}`).digest('hex').slice(0, 16);
    mkdirSync(join(dir, 'upload', cid), { recursive: true });
    const lock = { pid, start: '1', nonce: '0123456789abcdef', time: Date.now() }; // a live pid, another start
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
