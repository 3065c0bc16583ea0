// The background run from an installed toolkit: a tool that installs the packed tarball finds
// the child beside the engine in node_modules, whether it imports the toolkit or bundles it
// into its own file (ES module or CommonJS); and the export `internal/upload-child` resolves.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';
import { hostsThatStarted, makeDue, settledChildLogs, telemetryDir } from './harness.js';

const work = tempDir('tt-trig-installed-');
const app = join(work, 'app');

beforeAll(() => {
  // --ignore-scripts: the tarball of the dist/ built before the tests (prepack would rebuild it under other tests' feet).
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(pack.status, pack.stderr).toBe(0);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'installed-tool', version: '1.0.0', type: 'module', private: true }),
  );
  writeFileSync(
    join(app, 'cli.mjs'),
    "import { open, inc } from 'transparent-telemetry/counter';\nopen(); inc('installed-tool/runs');\n",
  );
  const install = spawnSync('npm', ['install', '--ignore-scripts', join(work, tarball)], {
    cwd: app,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  expect(install.status, install.stderr).toBe(0);
}, 240_000);

function runTool(file: string): string {
  const dir = telemetryDir();
  makeDue(dir);
  const r = spawnSync(process.execPath, [file], {
    cwd: app,
    encoding: 'utf8',
    env: cleanEnv({ HOME: dir, TRANSPARENT_TELEMETRY_DIR: dir }),
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return dir;
}

describe('the background run from an installed toolkit', () => {
  it('starts from a tool that imports the toolkit', async () => {
    const dir = runTool(join(app, 'cli.mjs'));
    expect(hostsThatStarted(dir)).toBe(1);
    expect(await settledChildLogs(dir, 1)).toHaveLength(1);
  });

  it('starts from a tool that bundled the toolkit into its own file', async () => {
    const esbuild = join(ROOT, 'node_modules', '.bin', 'esbuild');
    for (const [format, out] of [
      ['esm', 'tool.mjs'],
      ['cjs', 'tool.cjs'],
    ] as const) {
      const file = join(app, 'dist', out);
      const b = spawnSync(
        esbuild,
        [
          'cli.mjs',
          '--bundle',
          '--platform=node',
          `--format=${format}`,
          `--outfile=${file}`,
          '--log-level=error',
        ],
        { cwd: app, encoding: 'utf8' },
      );
      expect(b.status, b.stderr).toBe(0);
      const dir = runTool(file);
      expect(hostsThatStarted(dir), format).toBe(1);
      expect(await settledChildLogs(dir, 1), format).toHaveLength(1);
    }
  });

  it('exports the child for tools whose bundler inlined the engine', () => {
    const r = spawnSync(
      process.execPath,
      ['-p', "require.resolve('transparent-telemetry/internal/upload-child')"],
      { cwd: app, encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe(
      join(app, 'node_modules', 'transparent-telemetry', 'dist', 'upload', 'child.cjs'),
    );
  });
});
