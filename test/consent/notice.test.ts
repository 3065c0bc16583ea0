// The one-time notice, seen the way a user sees it: the fixture is a tool that calls open()
// and then notice() through the built public entry, on a real pseudo-terminal.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { noticeText } from '../../counter/engine/notice.js';
import { wrap } from '../../counter/settings/index.js';
import { writeMachineMode, writeProgramMode } from '../../counter/settings/index.js';
import {
  type PtyOptions,
  cleanEnv,
  flat,
  publicEntry,
  runInPty,
  runPiped,
  removeTempDirs,
  tempDir,
} from './harness.js';

const PROGRAM = 'pty-demo';
let moduleFile: string;

afterAll(removeTempDirs);

beforeAll(() => {
  moduleFile = publicEntry();
});

/** A fresh telemetry directory and the environment that points the fixture at it. */
function setup(extra: Record<string, string> = {}): { dir: string; opts: PtyOptions } {
  const dir = join(tempDir('notice'), 'telemetry');
  const home = tempDir('home');
  const env = cleanEnv({
    TT_MODULE: moduleFile,
    TT_PROGRAM: PROGRAM,
    TRANSPARENT_TELEMETRY_DIR: dir,
    HOME: home,
    ...extra,
  });
  return { dir, opts: { env, cwd: home } };
}

const shown = (output: string): boolean =>
  flat(output).includes(`${PROGRAM} counts how it is used`);

describe('notice on a terminal', () => {
  it('is shown on the first run only, and says how to share and how to stop', async () => {
    const { dir, opts } = setup({ TT_URL: 'https://example.com/telemetry' });
    const first = await runInPty('notice-tool.mjs', opts);
    expect(first.output).toContain('RESULT=true');
    const text = flat(first.output);
    expect(text).toContain('local files on this machine only');
    // No command declared: the ways out that surely exist are the variables; the standalone
    // command is named only as working where it is installed.
    expect(text).toContain(
      'To stop counting, set PTY_DEMO_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1.',
    );
    expect(text).toContain(
      `${PROGRAM} offers no command for that, but where the standalone "telemetry" command is installed, "telemetry on --program ${PROGRAM}" does.`,
    );
    expect(text).not.toContain('telemetry off');
    expect(text).toContain('More: https://example.com/telemetry');
    expect(JSON.parse(readFileSync(layout(dir).noticesFile, 'utf8'))).toEqual({
      [PROGRAM]: { notice: 1, asked: false },
    });

    const second = await runInPty('notice-tool.mjs', opts);
    expect(second.output).toContain('RESULT=false');
    expect(shown(second.output)).toBe(false);
  });

  it('is shown again once when the author raises the version, never for a lower one', async () => {
    const { opts } = setup();
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(true);
    const v2 = { ...opts, env: { ...opts.env, TT_VERSION: '2' } };
    expect(shown((await runInPty('notice-tool.mjs', v2)).output)).toBe(true);
    expect(shown((await runInPty('notice-tool.mjs', v2)).output)).toBe(false);
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(false);
  });

  it('is tracked per program', async () => {
    const { opts } = setup();
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(true);
    const other = await runInPty('notice-tool.mjs', {
      ...opts,
      env: { ...opts.env, TT_PROGRAM: 'other-tool' },
    });
    expect(flat(other.output)).toContain('other-tool counts how it is used');
  });

  it('uses the dir given to open(), and names the host package when open() was given no program', async () => {
    const { opts } = setup();
    const dir = join(tempDir('notice-opt'), 'telemetry');
    const env = { ...opts.env, TT_DIR: dir, TT_PROGRAM: '' };
    const run = await runInPty('notice-tool.mjs', { ...opts, env });
    // The fixture lives in this repository, so its package is the host program.
    expect(flat(run.output)).toContain('transparent-telemetry counts how it is used');
    expect(Object.keys(JSON.parse(readFileSync(layout(dir).noticesFile, 'utf8')))).toEqual([
      'transparent-telemetry',
    ]);
  });

  it('speaks of the program and variable open() was given, not of the package around the script', async () => {
    // The fixture's nearest package.json is this repository's: before the fix the notice named
    // transparent-telemetry and its derived variable.
    const { dir, opts } = setup({ TT_ENV_VAR: 'PTY_NO_STATS' });
    const text = flat((await runInPty('notice-tool.mjs', opts)).output);
    expect(text).toContain(`${PROGRAM} counts how it is used`);
    expect(text).toContain('To stop counting, set PTY_NO_STATS=1 or DO_NOT_TRACK=1.');
    expect(text).not.toContain('transparent-telemetry');
    expect(text).not.toContain('PTY_DEMO_TELEMETRY_DISABLED');
    expect(Object.keys(JSON.parse(readFileSync(layout(dir).noticesFile, 'utf8')))).toEqual([
      PROGRAM,
    ]);
  });

  it('uses the directory open() was given, not $TRANSPARENT_TELEMETRY_DIR', async () => {
    const { dir: envDir, opts } = setup();
    const dir = join(tempDir('notice-open-dir'), 'telemetry');
    await runInPty('notice-tool.mjs', { ...opts, env: { ...opts.env, TT_DIR: dir } });
    expect(Object.keys(JSON.parse(readFileSync(layout(dir).noticesFile, 'utf8')))).toEqual([
      PROGRAM,
    ]);
    expect(() => readFileSync(layout(envDir).noticesFile)).toThrow();
  });

  it('names the command the tool declared with open({ command })', async () => {
    const { opts } = setup({ TT_COMMAND: JSON.stringify('pty-demo telemetry') });
    const text = flat((await runInPty('notice-tool.mjs', opts)).output);
    expect(text).toContain('Nothing is sent anywhere unless you run "pty-demo telemetry on".');
    expect(text).toContain(
      'To stop counting, run "pty-demo telemetry off" or set PTY_DEMO_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1.',
    );
    expect(text).not.toContain('--program');
  });

  it.each([
    ['an empty string', '""'],
    ['blanks', '"  "'],
    ['a number', '42'],
    ['a line break', '"a\\nb"'],
  ])(
    'a command that is %s is a bad option: open() turns counting off, so nothing is shown',
    async (_, command) => {
      const { opts } = setup({ TT_COMMAND: command });
      const run = await runInPty('notice-tool.mjs', opts);
      expect(run.output).toContain('RESULT=false');
      expect(shown(run.output)).toBe(false);
    },
  );

  it('before open(), speaks as open() with no options would: the host package, the default directory', async () => {
    const { dir, opts } = setup({ TT_OPEN: 'later' });
    const run = await runInPty('notice-tool.mjs', opts);
    expect(flat(run.output)).toContain('transparent-telemetry counts how it is used');
    expect(Object.keys(JSON.parse(readFileSync(layout(dir).noticesFile, 'utf8')))).toEqual([
      'transparent-telemetry',
    ]);
  });
});

describe('notice stays quiet', () => {
  it('in CI', async () => {
    const { dir, opts } = setup({ CI: 'true' });
    const run = await runInPty('notice-tool.mjs', opts);
    expect(run.output).toContain('RESULT=false');
    expect(shown(run.output)).toBe(false);
    // Quiet without touching the disk.
    expect(() => readFileSync(layout(dir).noticesFile)).toThrow();
  });

  it('when a CI vendor variable alone is set', async () => {
    const { opts } = setup({ GITHUB_ACTIONS: 'true' });
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(false);
  });

  it('when stderr is a pipe (no terminal at all)', async () => {
    const { dir, opts } = setup();
    const run = await runPiped('notice-tool.mjs', opts);
    expect(run.output).toBe('RESULT=false\n');
    expect(() => readFileSync(layout(dir).noticesFile)).toThrow();
  });

  it('when only stderr is redirected while stdin and stdout are a terminal', async () => {
    const { opts } = setup();
    const errFile = join(tempDir('stderr'), 'err.txt');
    const run = await runInPty('notice-tool.mjs', { ...opts, redirect: `2>${errFile}` });
    expect(run.output).toContain('RESULT=false');
    expect(readFileSync(errFile, 'utf8')).toBe('');
  });

  it('after a machine-wide choice', async () => {
    const { dir, opts } = setup();
    writeMachineMode(layout(dir), 'local');
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(false);
  });

  it('after a choice for this program, but not for another program', async () => {
    const { dir, opts } = setup();
    writeProgramMode(layout(dir), PROGRAM, 'on');
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(false);
    const other = await runInPty('notice-tool.mjs', {
      ...opts,
      env: { ...opts.env, TT_PROGRAM: 'other-tool' },
    });
    expect(flat(other.output)).toContain('other-tool counts how it is used');
  });

  it.each([
    ['DO_NOT_TRACK=1', { DO_NOT_TRACK: '1' }],
    ['TRANSPARENT_TELEMETRY=off', { TRANSPARENT_TELEMETRY: 'off' }],
    ['the tool variable', { PTY_DEMO_TELEMETRY_DISABLED: '1' }],
    ['the variable the tool named in open()', { TT_ENV_VAR: 'PTY_NO_STATS', PTY_NO_STATS: '1' }],
  ])('with %s', async (_, extra) => {
    const { dir, opts } = setup(extra);
    expect(shown((await runInPty('notice-tool.mjs', opts)).output)).toBe(false);
    // An opt-out is not a choice: the notice is still owed if the opt-out goes away.
    expect(() => readFileSync(layout(dir).noticesFile)).toThrow();
  });

  it('when the project turns telemetry off', async () => {
    const { opts } = setup();
    const repo = tempDir('repo');
    mkdirSync(join(repo, '.git'));
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ transparentTelemetry: 'off' }));
    expect(shown((await runInPty('notice-tool.mjs', { ...opts, cwd: repo })).output)).toBe(false);
  });
});

describe('notice text', () => {
  it('leaves out the tool variable when a name yields none, and quotes unusual names', () => {
    expect(noticeText({ program: '日本' })).toContain('set DO_NOT_TRACK=1.');
    expect(noticeText({ program: 'my tool' })).toContain(`"telemetry on --program 'my tool'"`);
    expect(noticeText({ program: '@acme/my-cli' })).toContain(
      'MY_CLI_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1',
    );
  });

  it('wraps at spaces within the width', () => {
    const lines = wrap(
      noticeText({ program: '@acme/my-cli', command: 'my-cli telemetry' }, 'https://example.com'),
      60,
    ).split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
  });
});
