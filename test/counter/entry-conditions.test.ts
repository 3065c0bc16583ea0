// Which ES module entry `import 'transparent-telemetry/counter'` gets: Node that knows the
// "module-sync" export condition (20.19+, 22.10+) gets dist/counter/index-sync.js, which reaches
// built-ins through process.getBuiltinModule alone; older Node (here: the condition switched off
// with --no-experimental-require-module) gets dist/counter/index.js, whose banner imports
// node:module for its fallback. Both count into the same weekly file (docs/startup.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const node24 = installedNode(24);
const nodes = [process.execPath, ...(existsSync(node24) ? [node24] : [])];
const TOOL =
  "const m = await import('transparent-telemetry/counter');" +
  "m.open({ program: 'entry-test', version: '1.0.0' }); m.inc('entry/runs');" +
  "console.log(import.meta.resolve('transparent-telemetry/counter'));";

function runTool(bin: string, flags: string[], dir: string): string {
  const run = spawnSync(bin, [...flags, '--input-type=module', '-e', TOOL], {
    cwd: ROOT,
    encoding: 'utf8',
    env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: dir }),
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return run.stdout.trim();
}

it('Node with the module-sync condition gets the entry without node:module; older Node the other', () => {
  for (const bin of nodes) {
    const dir = tempDir('tt-entry-');
    expect(runTool(bin, [], dir), bin).toMatch(/\/dist\/counter\/index-sync\.js$/);
    expect(runTool(bin, ['--no-experimental-require-module'], dir), bin).toMatch(
      /\/dist\/counter\/index\.js$/,
    );
    expect(soleCounts(dir).get('entry/runs'), bin).toBe(2n);
  }
});

it('only the fallback entry imports node:module statically', () => {
  const staticImports = (file: string) =>
    readFileSync(join(ROOT, 'dist/counter', file), 'utf8').match(/^import\b[^;]*;/gm) ?? [];
  expect(staticImports('index-sync.js')).toEqual([]);
  expect(staticImports('index.js').join('')).toContain("'node:module'");
});
