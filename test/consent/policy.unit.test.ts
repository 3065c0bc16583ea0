// The mode policy in-process: names to variables, each opt-out's reading of its value, and the
// project walk. The whole decision table: policy-table.unit.test.ts; real processes: precedence.test.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { decide, doNotTrack, envModeCap, projectSetting } from '../../counter/settings/index.js';
import { toolEnvVar } from '../../counter/settings/index.js';
import { removeTempDirs, tempDir } from './harness.js';
import { pkg, repo } from './repo-fixture.js';

afterAll(removeTempDirs);

describe('toolEnvVar', () => {
  it.each([
    ['@acme/my-cli', 'MY_CLI_TELEMETRY_DISABLED'],
    ['my-cli', 'MY_CLI_TELEMETRY_DISABLED'],
    ['my.tool', 'MY_TOOL_TELEMETRY_DISABLED'],
    ['my--dashed---tool', 'MY_DASHED_TOOL_TELEMETRY_DISABLED'],
    ['-edge-', 'EDGE_TELEMETRY_DISABLED'],
    ['tool2', 'TOOL2_TELEMETRY_DISABLED'],
    ['es6-shim', 'ES6_SHIM_TELEMETRY_DISABLED'],
    // A shell variable cannot start with a digit, so such a name keeps a leading `_`.
    ['7zip-bin', '_7ZIP_BIN_TELEMETRY_DISABLED'],
    ['@scope/3d', '_3D_TELEMETRY_DISABLED'],
    ['héllo-wörld', 'H_LLO_W_RLD_TELEMETRY_DISABLED'],
    ['日本', null],
    ['@acme/日本', null],
    ['---', null],
    ['', null],
  ])('%j → %j', (name, variable) => {
    expect(toolEnvVar(name)).toBe(variable);
  });

  it('always yields a name a POSIX shell can assign', () => {
    for (const name of ['7zip-bin', '@a/0', 'x', 'é1', '1é', '__init__']) {
      const v = toolEnvVar(name);
      if (v !== null) expect(v).toMatch(/^[A-Z_][A-Z0-9_]*$/);
    }
  });
});

describe('doNotTrack', () => {
  it.each([
    [undefined, false],
    ['', false],
    [' ', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['1', true],
    ['yes', true],
    ['true', true],
    ['anything', true],
  ])('%j → %j', (value, expected) => {
    expect(doNotTrack(value)).toBe(expected);
  });
});

describe('envModeCap', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['on', null],
    ['ON', null],
    ['1', null],
    ['true', null],
    ['yes', null],
    ['local', 'local'],
    [' Local ', 'local'],
    ['off', 'off'],
    ['0', 'off'],
    ['false', 'off'],
    ['bogus', 'off'],
  ])('%j → %j', (value, cap) => {
    expect(envModeCap(value)).toBe(cap);
  });
});

describe('projectSetting', () => {
  it('finds the repository root setting from a nested directory', () => {
    const r = repo();
    const file = pkg(r.root, { name: 'mono', transparentTelemetry: 'off' });
    const found = projectSetting(r.cwd, r.home, []);
    expect(found).toMatchObject({ source: 'project', mode: 'off' });
    expect(found?.detail).toContain(file);
  });

  it('skips package.json files without the field on the way up', () => {
    const r = repo();
    pkg(join(r.root, 'packages', 'a'), { name: 'a' });
    pkg(r.root, { transparentTelemetry: 'local' });
    expect(projectSetting(r.cwd, r.home, [])?.mode).toBe('local');
  });

  it('ignores settings above the repository root', () => {
    const r = repo();
    pkg(r.parent, { transparentTelemetry: 'off' });
    expect(projectSetting(r.cwd, r.home, [])).toBeNull();
  });

  it('stops at the home directory', () => {
    const above = tempDir('above-home');
    const home = join(above, 'me');
    const cwd = join(home, 'scratch', 'x');
    mkdirSync(cwd, { recursive: true });
    pkg(above, { transparentTelemetry: 'off' });
    expect(projectSetting(cwd, home, [])).toBeNull();
    // HOME is often written with a trailing slash; it must stop the walk all the same.
    expect(projectSetting(cwd, `${home}/`, [])).toBeNull();
  });

  it('reads the home directory itself', () => {
    const home = tempDir('home-setting');
    const cwd = join(home, 'work');
    mkdirSync(cwd);
    pkg(home, { transparentTelemetry: 'local' });
    expect(projectSetting(cwd, home, [])?.mode).toBe('local');
  });

  it('lets the nearest package.json with the field win', () => {
    const r = repo();
    pkg(r.root, { transparentTelemetry: 'off' });
    pkg(join(r.root, 'packages', 'a'), { transparentTelemetry: 'local' });
    expect(projectSetting(r.cwd, r.home, [])?.mode).toBe('local');
  });

  it('treats "on" in the nearest one as lowering nothing, and stops there', () => {
    const r = repo();
    pkg(r.root, { transparentTelemetry: 'off' });
    pkg(join(r.root, 'packages', 'a'), { transparentTelemetry: 'on' });
    expect(projectSetting(r.cwd, r.home, [])).toBeNull();
  });

  it.each([false, 'yes', 'disabled', 0, null])('reads the unclear value %j as off', (value) => {
    const r = repo();
    pkg(r.root, { transparentTelemetry: value });
    expect(projectSetting(r.cwd, r.home, [])?.mode).toBe('off');
  });

  it('skips a malformed package.json with a warning and walks on', () => {
    const r = repo();
    pkg(r.root, { transparentTelemetry: 'off' });
    const bad = pkg(join(r.root, 'packages', 'a'), '{ "transparentTelemetry": "local", ');
    const d = decide({
      dirs: layout(tempDir('dirs')),
      program: 'x',
      env: {},
      cwd: r.cwd,
      home: r.home,
    });
    expect(d.mode).toBe('off');
    expect(d.decidedBy.source).toBe('project');
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0]).toContain(bad);
  });

  it('resolves a relative working directory', () => {
    const r = repo();
    pkg(r.root, { transparentTelemetry: 'off' });
    const here = process.cwd();
    try {
      process.chdir(r.root);
      expect(projectSetting(join('packages', 'a', 'src'), r.home, [])?.mode).toBe('off');
    } finally {
      process.chdir(here);
    }
  });
});

describe('decide', () => {
  it('uses the author-chosen variable instead of the derived one', () => {
    const dirs = layout(tempDir('envvar'));
    const r = repo();
    const base = { dirs, program: 'my-cli', cwd: r.cwd, home: r.home, envVar: 'MYCLI_NO_STATS' };
    expect(decide({ ...base, env: { MY_CLI_TELEMETRY_DISABLED: '1' } }).mode).toBe('local');
    expect(decide({ ...base, env: { MYCLI_NO_STATS: 'true' } }).decidedBy.detail).toBe(
      'MYCLI_NO_STATS=true',
    );
  });

  it('reads the per-tool variable like DO_NOT_TRACK: any value but empty, 0 or false turns the tool off', () => {
    const dirs = layout(tempDir('toolvalues'));
    const r = repo();
    const base = { dirs, program: 'my-cli', cwd: r.cwd, home: r.home };
    for (const v of ['1', 'true', 'TRUE', 'yes', 'on', 'please'])
      expect(decide({ ...base, env: { MY_CLI_TELEMETRY_DISABLED: v } }).mode, v).toBe('off');
    for (const v of ['', '0', 'false', ' False '])
      expect(
        decide({ ...base, env: { MY_CLI_TELEMETRY_DISABLED: v } }).mode,
        JSON.stringify(v),
      ).toBe('local');
  });

  it('is off with no directory, whatever else is set', () => {
    expect(decide({ dirs: null, program: 'x', env: {} })).toMatchObject({
      mode: 'off',
      decidedBy: { source: 'no-directory' },
    });
  });
});
