// What a start pays for work it does not need (docs/startup.md, "Counting off"): with counting
// off by the environment, the ES module entry loads neither node:module nor node:vm and makes
// no counter's bytes, yet still checks every name; the everyday path does not load
// node:module either (its only use is `createRequire`, which that path never calls); neither
// runs a regular expression. Real processes on this Node and on Node 24, the entry found by the
// package name as a tool finds it.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const node24 = installedNode(24);
const nodes = [process.execPath, ...(existsSync(node24) ? [node24] : [])];

// Buffer.from is watched from the first call into the toolkit: the bytes of a counter's name
// are made only when the engine needs them.
const TOOL = `const before = new Set(process.moduleLoadList);
  const m = await import('transparent-telemetry/counter');
  const made = []; const from = Buffer.from;
  Buffer.from = function (...args) { made.push(String(args[0]).slice(0, 20)); return from.apply(this, args); };
  const patterns = []; const exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (text) { patterns.push(this.source); return exec.call(this, text); };
  const r = m.open({ program: 'start-cost', version: '1' });
  m.inc('start/runs'); new m.Counter('start/counter').inc();
  const thrown = [];
  for (const name of ['has space', 'a:b:c', 'x'.repeat(5000), '\\ud800']) {
    try { m.inc(name); thrown.push(null); } catch (error) { thrown.push(error.constructor.name); }
  }
  const loaded = process.moduleLoadList.filter((entry) => !before.has(entry));
  console.log(JSON.stringify({ mode: r.mode, reason: r.reason, loaded, made, thrown, patterns }));`;

function runTool(bin: string, env: NodeJS.ProcessEnv) {
  const run = spawnSync(bin, ['--input-type=module', '-e', TOOL], {
    cwd: ROOT,
    encoding: 'utf8',
    env: cleanEnv(env),
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as {
    mode: string;
    reason: string | null;
    loaded: string[];
    made: string[];
    thrown: Array<string | null>;
    patterns: string[];
  };
}

describe('a start with counting off by the environment', () => {
  for (const bin of nodes) {
    it(`loads no node:module and makes no name's bytes, and still checks names (${bin})`, () => {
      const dir = tempDir();
      const r = runTool(bin, { TRANSPARENT_TELEMETRY_DIR: dir, DO_NOT_TRACK: '1' });
      expect(r.mode).toBe('off');
      expect(r.reason).toBe('DO_NOT_TRACK=1');
      // Node 20's loader loads its own modules on a first dynamic import: ours are not among them.
      expect(r.loaded.filter((entry) => /NativeModule (module|vm)$/.test(entry))).toEqual([]);
      expect(r.made).toEqual([]);
      expect(r.patterns).toEqual([]);
      expect(r.thrown).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError']);
      expect(existsSync(join(dir, 'local'))).toBe(false);
    });
  }
});

describe('the everyday path', () => {
  for (const bin of nodes) {
    it(`does not load node:module nor run a regular expression (${bin})`, () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'upload.token'), ''); // today's: no upload check beyond its stat
      runTool(bin, { TRANSPARENT_TELEMETRY_DIR: dir }); // writes the engine's code cache
      const r = runTool(bin, { TRANSPARENT_TELEMETRY_DIR: dir });
      expect(r.mode).toBe('local');
      expect(r.loaded).not.toContain('NativeModule module');
      // Compiling one costs ~0.03 ms: the engine hash and the file name's check are loops.
      expect(r.patterns).toEqual([]);
      expect(r.thrown).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError']);
      const counts = soleCounts(dir);
      expect([counts.get('start/runs'), counts.get('start/counter')]).toEqual([2n, 2n]);
    });
  }
});
