// The consent question on a real pseudo-terminal: what the user types is what gets recorded,
// for this program only, once; and the host process is never held up. The fixture is a tool
// that calls open() and then askToShare() through the built public entry.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import {
  readMachineMode,
  readProgramModes,
  writeMachineMode,
} from '../../counter/settings/index.js';
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

const PROGRAM = 'pty-asker';
let moduleFile: string;

afterAll(removeTempDirs);

beforeAll(() => {
  moduleFile = publicEntry();
});

function setup(extra: Record<string, string> = {}): { dir: string; opts: PtyOptions } {
  const dir = join(tempDir('ask'), 'telemetry');
  const home = tempDir('home');
  const env = cleanEnv({
    TT_MODULE: moduleFile,
    TT_PROGRAM: PROGRAM,
    TT_DIR: dir,
    HOME: home,
    ...extra,
  });
  return { dir, opts: { env, cwd: home } };
}

const modes = (dir: string): Record<string, string> =>
  Object.fromEntries(
    [...readProgramModes(layout(dir)).choices].map(([program, choice]) => [program, choice.mode]),
  );
const asked = (output: string): boolean => output.includes('[y/N]');

describe('askToShare on a terminal', () => {
  it('records "on" for this program only when the user answers y, and exits promptly', async () => {
    const { dir, opts } = setup();
    const run = await runInPty('ask-tool.mjs', { ...opts, answer: 'y' });
    expect(run.output).toContain(`Help improve ${PROGRAM}`);
    expect(run.output).toContain('RESULT=on');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(10_000); // a process held open by stdin is killed only at 20 s
    expect(modes(dir)).toEqual({ [PROGRAM]: 'on' });
    expect(readMachineMode(layout(dir))).toBeNull();
    expect(existsSync(layout(dir).modeFile)).toBe(false);
  });

  it('the yes reply of a tool without a collector says nothing can leave, and names local (not off) as the way back', async () => {
    const { opts } = setup();
    const text = flat((await runInPty('ask-tool.mjs', { ...opts, answer: 'y' })).output);
    expect(text).toContain(
      `${PROGRAM} names no collector yet, so its counts stay on this machine for now.`,
    );
    expect(text).toContain(
      'To keep them on this machine only, set TRANSPARENT_TELEMETRY=local (or PTY_ASKER_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1 to stop counting)',
    );
    expect(text).toContain(
      `where the standalone "telemetry" command is installed, "telemetry local --program ${PROGRAM}" records that.`,
    );
    expect(text).not.toContain('will upload');
    expect(text).not.toContain('telemetry off');
  });

  it('the yes reply of a tool with a collector says what is sent, from when, and how to see it first', async () => {
    const collector = {
      url: 'https://telemetry.example.com',
      key: 'example.com+4f2a9c1e+AVRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2cu',
    };
    const extra = {
      TT_COMMAND: JSON.stringify('pty-asker telemetry'),
      TT_COLLECTOR: JSON.stringify(collector),
    };
    const text = flat(
      (await runInPty('ask-tool.mjs', { ...setup(extra).opts, answer: 'y' })).output,
    );
    expect(text).toContain(
      `${PROGRAM} will send its weekly counts to its vendor's collector, once a week, holding only the counters the vendor's published config lists; nothing counted up to today.`,
    );
    expect(text).toContain(
      '"pty-asker telemetry preview" shows the exact bytes first. To keep them on this machine only, run "pty-asker telemetry local".',
    );
  });

  it('replies with the command the tool declared with open({ command })', async () => {
    const command = { TT_COMMAND: JSON.stringify('pty-asker telemetry') };
    const yes = flat(
      (await runInPty('ask-tool.mjs', { ...setup(command).opts, answer: 'y' })).output,
    );
    expect(yes).toContain('To keep them on this machine only, run "pty-asker telemetry local".');
    const no = flat(
      (await runInPty('ask-tool.mjs', { ...setup(command).opts, answer: 'n' })).output,
    );
    expect(no).toContain(
      `${PROGRAM} keeps its counts on this machine. To share them later, run "pty-asker telemetry on".`,
    );
  });

  it('without a declared command, the no reply says the tool has no command to share', async () => {
    const text = flat((await runInPty('ask-tool.mjs', { ...setup().opts, answer: 'n' })).output);
    expect(text).toContain(
      `${PROGRAM} offers no command for that, but where the standalone "telemetry" command is installed, "telemetry on --program ${PROGRAM}" does.`,
    );
  });

  it('asks about the program open() was given, not the package around the script', async () => {
    const { dir, opts } = setup();
    const run = await runInPty('ask-tool.mjs', { ...opts, answer: 'y' });
    expect(run.output).not.toContain('transparent-telemetry');
    expect(modes(dir)).toEqual({ [PROGRAM]: 'on' });
  });

  it.each(['yes', 'YES', ' Y '])('takes %j as yes', async (answer) => {
    const { dir, opts } = setup();
    expect((await runInPty('ask-tool.mjs', { ...opts, answer })).output).toContain('RESULT=on');
    expect(modes(dir)).toEqual({ [PROGRAM]: 'on' });
  });

  it.each([
    ['Enter', ''],
    ['n', 'n'],
    ['anything else', 'sure'],
  ])('records "local" on %s', async (_, answer) => {
    const { dir, opts } = setup();
    const run = await runInPty('ask-tool.mjs', { ...opts, answer });
    expect(run.output).toContain('RESULT=local');
    expect(run.ms).toBeLessThan(10_000); // a process held open by stdin is killed only at 20 s
    expect(modes(dir)).toEqual({ [PROGRAM]: 'local' });
  });

  it('asks once', async () => {
    const { opts } = setup();
    expect((await runInPty('ask-tool.mjs', { ...opts, answer: '' })).output).toContain(
      'RESULT=local',
    );
    const second = await runInPty('ask-tool.mjs', opts);
    expect(asked(second.output)).toBe(false);
    expect(second.output).toContain('RESULT=null');
  });

  it("keeps other programs' choices and the machine-wide file as they were", async () => {
    const { dir, opts } = setup();
    await runInPty('ask-tool.mjs', { ...opts, answer: 'y' });
    await runInPty('ask-tool.mjs', {
      ...opts,
      env: { ...opts.env, TT_PROGRAM: 'second-tool' },
      answer: '',
    });
    expect(modes(dir)).toEqual({ [PROGRAM]: 'on', 'second-tool': 'local' });
    expect(existsSync(layout(dir).modeFile)).toBe(false);
  });

  it('gives up after the timeout: records no mode, returns null, exits promptly, does not ask again', async () => {
    const { dir, opts } = setup({ TT_TIMEOUT_MS: '300' });
    const run = await runInPty('ask-tool.mjs', opts);
    expect(asked(run.output)).toBe(true);
    expect(run.output).toContain('RESULT=null');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(10_000); // a process held open by stdin is killed only at 20 s
    expect(existsSync(layout(dir).programModesFile)).toBe(false);
    expect(existsSync(layout(dir).modeFile)).toBe(false);
    expect(asked((await runInPty('ask-tool.mjs', opts)).output)).toBe(false);
  });
});

describe('askToShare does not ask', () => {
  it('in CI', async () => {
    const { dir, opts } = setup({ CI: 'true' });
    const run = await runInPty('ask-tool.mjs', { ...opts, limitMs: 10_000 });
    expect(asked(run.output)).toBe(false);
    expect(run.output).toContain('RESULT=null');
    expect(existsSync(layout(dir).noticesFile)).toBe(false);
  });

  it('without a terminal', async () => {
    const { dir, opts } = setup();
    const run = await runPiped('ask-tool.mjs', { ...opts, limitMs: 10_000 });
    expect(run.output).toBe('RESULT=null\n');
    expect(existsSync(layout(dir).noticesFile)).toBe(false);
  });

  it.each([
    ['stdin is not a terminal', '</dev/null'],
    ['stderr is not a terminal', '2>/dev/null'],
  ])('when %s', async (_, redirect) => {
    const { dir, opts } = setup();
    const run = await runInPty('ask-tool.mjs', { ...opts, redirect, limitMs: 10_000 });
    expect(asked(run.output)).toBe(false);
    expect(run.output).toContain('RESULT=null');
    expect(existsSync(layout(dir).noticesFile)).toBe(false);
  });

  it('after a machine-wide choice', async () => {
    const { dir, opts } = setup();
    writeMachineMode(layout(dir), 'off');
    const run = await runInPty('ask-tool.mjs', { ...opts, limitMs: 10_000 });
    expect(asked(run.output)).toBe(false);
    expect(run.output).toContain('RESULT=null');
    expect(readFileSync(layout(dir).modeFile, 'utf8')).toMatch(/^off /);
  });

  it('with the variable the tool named in open() set', async () => {
    const { opts } = setup({ TT_ENV_VAR: 'ASKER_NO_STATS', ASKER_NO_STATS: '1' });
    const run = await runInPty('ask-tool.mjs', { ...opts, limitMs: 10_000 });
    expect(asked(run.output)).toBe(false);
    expect(run.output).toContain('RESULT=null');
  });

  it('with DO_NOT_TRACK=1', async () => {
    const { opts } = setup({ DO_NOT_TRACK: '1' });
    const run = await runInPty('ask-tool.mjs', { ...opts, limitMs: 10_000 });
    expect(asked(run.output)).toBe(false);
    expect(run.output).toContain('RESULT=null');
  });
});
