// Windows, under Wine: the packed toolkit installed for win32-x64 into an empty project and
// run by the official Windows build of Node 22 (test/windows/wine.ts). Skipped, with the
// reason printed, where Wine or that Node cannot be had. What Wine cannot show of Windows is
// said where it matters, here and in docs/windows.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, countFiles, readOnly, tempDir } from '../helpers.js';
import { buildGoTools, goRead, skipGo } from '../go-interop/go.js';
import { appears, ensurePrefix, runWindows, winPath, wineSkipReason } from './wine.js';

const skip = wineSkipReason();
if (skip) console.warn(`skipped: the Windows tests: ${skip}`);

const work = tempDir('tt-wine-');
const app = join(work, 'app');
const telemetry = join(app, 'node_modules', 'transparent-telemetry', 'dist', 'cmd', 'telemetry.js');

/** A tool: opens the counter, adds `times` to `name`, prints open()'s result; `hold` keeps it running. */
const TOOL = `import { existsSync, writeFileSync } from 'node:fs';
import { open, Counter } from 'transparent-telemetry/counter';
const spec = JSON.parse(process.argv[2] ?? '{}');
const result = open(spec.now ? { now: () => new Date(spec.now) } : {});
const counter = new Counter(spec.name ?? 'tool/runs');
for (let i = 0; i < (spec.times ?? 1); i++) counter.inc();
console.log(JSON.stringify(result));
if (spec.hold) {
  writeFileSync(spec.hold.ready, '');
  const wait = setInterval(() => existsSync(spec.hold.stop) && clearInterval(wait), 50);
}
`;

beforeAll(() => {
  if (skip) return;
  ensurePrefix();
  const pack = spawnSync('npm', ['pack', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
  mkdirSync(app);
  const manifest = { name: '@acme/wintool', version: '2.0.1', type: 'module', private: true };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest));
  writeFileSync(join(app, 'tool.mjs'), TOOL);
  // What `npm install` does on Windows: the win32-x64 optional packages (koffi's binary).
  const args = ['install', '--no-audit', '--no-fund', '--os=win32', '--cpu=x64', '--force', join(work, tarball)];
  const install = spawnSync('npm', args, { cwd: app, encoding: 'utf8' });
  expect(install.status, install.stderr).toBe(0);
}, 240_000);

/** Runs tool.mjs on Windows with its own telemetry folder (a Unix path, given as Z:\…). */
async function tool(dir: string, spec: object = {}) {
  const run = await runWindows(['tool.mjs', JSON.stringify(spec)], { cwd: app, env: { TRANSPARENT_TELEMETRY_DIR: winPath(dir) } });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { mode: string; file: string | null; backend: string | null };
}

describe.skipIf(skip)('on Windows (Node 22 for Windows under Wine)', () => {
  it('the packed toolkit installs for win32-x64 and counts into a mapped file named for win32', async () => {
    expect(existsSync(join(app, 'node_modules', '@koromix', 'koffi-win32-x64'))).toBe(true);
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
});
