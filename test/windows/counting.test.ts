// Windows, under Wine (test/windows/wine.ts): the packed toolkit installed for win32-x64 and run
// by the official Windows build of Node 22 counts through the win32 backend. Skipped, with the
// reason printed, where Wine or that Node cannot be had. What Wine cannot show of Windows is
// said where it matters, here and in docs/windows.md.
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countFiles, readOnly, tempDir } from '../helpers.js';
import { goRead, goTools, skipGo } from '../go-interop/go.js';
import { app, installApp, skip, startTool, tool } from './app.js';
import { NODE_WIN, PREFIX, runWindows, winPath } from './wine.js';

beforeAll(() => {
  if (!skip) installApp();
}, 240_000);

describe.skipIf(skip)('on Windows (Node 22 for Windows under Wine), counting', () => {
  it('the toolkit installs for win32-x64 and counts into a mapped file named win32', async () => {
    const deps = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(deps.sort()).toEqual(['@koromix', 'koffi', 'transparent-telemetry']);
    expect(readdirSync(join(app, 'node_modules', '@koromix'))).toEqual(['koffi-win32-x64']);
    const dir = tempDir('tt-wine-count-');
    const result = await tool(dir, { name: 'tool/runs', times: 3 });
    expect(result).toMatchObject({ mode: 'local', backend: 'win32' });
    expect(result.file).toMatch(
      /^Z:\\.*\\local\\%40acme%2Fwintool@2\.0\.1-node22\.\d+\.\d+-win32-x64-[\d-]{10}\.v1\.count$/,
    );
    await tool(dir, { name: 'tool/runs', times: 2 });
    const [file] = countFiles(dir);
    const read = readOnly(file!);
    expect(read.meta).toMatchObject({ OS: 'win32', Arch: 'x64', Program: '@acme/wintool' });
    expect(read.counts.get('tool/runs')).toBe(5n);
  });
  it("two concurrent processes add up exactly, read alike by ours and Go's parser", async () => {
    const dir = tempDir('tt-wine-race-');
    const env = { TRANSPARENT_TELEMETRY_DIR: winPath(dir) };
    const spec = JSON.stringify({ name: 'tool/hot', times: 50_000 });
    const both = await Promise.all(
      [0, 1].map(() => runWindows(['tool.mjs', spec], { cwd: app, env })),
    );
    for (const run of both) expect(run.status, run.stderr).toBe(0);
    const files = countFiles(dir);
    expect(files).toHaveLength(1);
    const ours = readOnly(files[0]!);
    expect(ours.counts.get('tool/hot')).toBe(100_000n);
    if (skipGo) return;
    const go = goRead(goTools(), files).get(files[0]!)!;
    expect(go.counts).toEqual(ours.counts);
    expect(go.meta).toEqual(ours.meta);
  });
  // Wine does not enforce MAX_PATH: this shows deep folders work, not that \\?\ names are needed.
  it('counts into a folder whose path is longer than MAX_PATH (260 characters)', async () => {
    const dir = join(
      tempDir('tt-wine-long-'),
      ...['a', 'b', 'c'].map((letter) => letter.repeat(100)),
    );
    expect(winPath(dir).length).toBeGreaterThan(300);
    expect(await tool(dir, { times: 2 })).toMatchObject({ mode: 'local', backend: 'win32' });
    expect(readOnly(countFiles(dir)[0]!).counts.get('tool/runs')).toBe(2n);
  });
  it("a count file's name leading to a device is left alone: counts stay in memory", async () => {
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

describe.skipIf(skip)('on Windows, where the settings are and when files change', () => {
  // Wine sets %APPDATA% to the prefix's C:\users\<user>\AppData\Roaming, whatever Unix says.
  it("the folder is under %APPDATA%; a project's package.json turns counting off", async () => {
    const project = tempDir('tt-wine-project-');
    const args = [winPath(join(app, 'tool.mjs')), '{}'];
    const counted = await runWindows(args, { cwd: app });
    expect(counted.status, counted.stderr).toBe(0);
    const file = JSON.parse(counted.stdout).file as string;
    expect(file).toMatch(
      /^C:\\users\\[^\\]+\\AppData\\Roaming\\transparent-telemetry\\local\\%40acme%2Fwintool@/,
    );
    const folder = join(PREFIX, 'drive_c', ...file.slice(3).split('\\').slice(0, 5));
    try {
      expect(countFiles(folder)).toHaveLength(1);
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'work', transparentTelemetry: 'off' }),
      );
      const off = await runWindows(args, { cwd: project });
      expect(off.status, off.stderr).toBe(0);
      expect(JSON.parse(off.stdout)).toMatchObject({ mode: 'off', file: null });
      expect(JSON.parse(off.stdout).reason).toContain(`${winPath(project)}\\package.json`);
    } finally {
      rmSync(folder, { recursive: true, force: true }); // the prefix is kept between runs
    }
  });
  it('a tool that made its file just as telemetry was turned off deletes it', async () => {
    const dir = tempDir('tt-wine-race-off-');
    expect(await tool(dir, { offAtClock: true })).toMatchObject({ mode: 'off', file: null });
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('off 2026-11-10');
    expect(countFiles(dir)).toEqual([]);
  });
  it("a running tool moves to the next week's file when its week ends", async () => {
    const dir = tempDir('tt-wine-rotate-');
    mkdirSync(join(dir, 'local'));
    // Weeks end on Thursdays (2026-11-26 is one).
    writeFileSync(join(dir, 'local', 'weekends'), '4\n');
    const spec = { clock: '2026-11-25T23:59:58.500Z' };
    const run = await startTool(dir, spec);
    expect(run.status, run.stderr).toBe(0);
    const files = countFiles(dir).sort();
    expect(files.map((file) => file.slice(-24))).toEqual(
      ['x64-2026-11-25.v1.count', 'x64-2026-11-26.v1.count'].map((name) => `-${name}`),
    );
    const [first, second] = files.map((file) => readOnly(file));
    expect(first!.counts).toEqual(new Map([['tool/runs', 1n]]));
    expect(second!.meta.TimeBegin).toBe('2026-11-26T00:00:00Z');
    expect(second!.counts).toEqual(new Map([['tool/after', 1n]]));
  }, 120_000);
});
