import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GO_PROGRAM,
  TODAY,
  addFixture,
  buildCli,
  dirWithFixture,
  replaceMeta,
  runCli,
  tempDir,
  write,
} from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const status = (dir: string, opts: Parameters<typeof runCli>[2] = {}) => {
  const r = runCli(cli, ['status', '--json'], { dir, ...opts });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

/** A repository whose package.json turns telemetry off, and a folder inside it to run from. */
function repoWithSetting(value: string): { root: string; inside: string } {
  const root = tempDir('tt-repo-');
  mkdirSync(join(root, '.git'));
  write(join(root, 'package.json'), JSON.stringify({ name: 'app', transparentTelemetry: value }));
  const inside = join(root, 'src', 'deep');
  mkdirSync(inside, { recursive: true });
  return { root, inside };
}

describe('telemetry status', () => {
  it('with no choice made shows the default, the directory and no programs', () => {
    const dir = tempDir();
    const r = runCli(cli, ['status'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mode +local, the default: no choice made yet$/m);
    expect(r.stdout).toMatch(new RegExp(`^directory +${dir}$`, 'm'));
    expect(r.stdout).toContain('nothing: no opt-out variable or project setting applies here');
    expect(r.stdout).toContain('none known yet');
    expect(r.stdout).toContain('0 active count files, 0 finished');
  });

  it('shows the machine-wide mode and its date, per-program choices, and why each program has its mode', () => {
    const dir = dirWithFixture();
    write(join(dir, 'mode'), 'on 2026-11-02');
    runCli(cli, ['off', '--program', 'my-cli'], { dir });
    const r = runCli(cli, ['status'], { dir });
    expect(r.stdout).toContain(`on, set 2026-11-02 in ${join(dir, 'mode')}`);
    expect(r.stdout).toMatch(new RegExp(`^  my-cli +off +set ${TODAY}$`, 'm'));
    expect(r.stdout).toMatch(
      new RegExp(
        `^  ${GO_PROGRAM} +on +because of the machine-wide choice in ${join(dir, 'mode')}, set 2026-11-02$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `^  my-cli +off +because of the per-program choice in ${join(dir, 'program-modes.json')}, set ${TODAY}$`,
        'm',
      ),
    );
  });

  it('env is an alias of status', () => {
    const dir = tempDir();
    expect(runCli(cli, ['env'], { dir }).stdout).toBe(runCli(cli, ['status'], { dir }).stdout);
  });

  it('--json has the documented shape', () => {
    const dir = dirWithFixture();
    write(join(dir, 'mode'), 'local 2026-11-20');
    const s = status(dir);
    expect(s).toEqual({
      directory: dir,
      mode: { mode: 'local', date: '2026-11-20', source: 'machine', file: join(dir, 'mode') },
      unreadable: [],
      programChoices: [],
      overrides: [],
      programs: [
        {
          program: GO_PROGRAM,
          envVar: 'GOLANG_ORG_X_TELEMETRY_GOPEER_GEN_TELEMETRY_DISABLED',
          command: null,
          mode: 'local',
          decidedBy: {
            source: 'machine',
            detail: join(dir, 'mode'),
            mode: 'local',
            date: '2026-11-20',
          },
          chosen: {
            source: 'machine',
            detail: join(dir, 'mode'),
            mode: 'local',
            date: '2026-11-20',
          },
        },
      ],
      countFiles: {
        active: [join(dir, 'local', 'gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count')],
        finished: [],
      },
      countsInMemory: null,
      reports: { pending: [], localOnly: [], uploaded: [] },
      collectors: [],
      warnings: [],
    });
  });

  it('DO_NOT_TRACK=1 shows as an override that decides every program', () => {
    const dir = dirWithFixture();
    write(join(dir, 'mode'), 'on 2026-11-02');
    const s = status(dir, { env: { DO_NOT_TRACK: '1' } });
    expect(s.overrides).toEqual([{ source: 'env', detail: 'DO_NOT_TRACK=1', mode: 'off' }]);
    expect(s.programs[0].mode).toBe('off');
    expect(s.programs[0].decidedBy.detail).toBe('DO_NOT_TRACK=1');
    const text = runCli(cli, ['status'], { dir, env: { DO_NOT_TRACK: '1' } }).stdout;
    expect(text).toMatch(/^  environment variable DO_NOT_TRACK=1 +→ off$/m);
    expect(text).toContain(`${GO_PROGRAM}  off  because of environment variable DO_NOT_TRACK=1`);
  });

  it('TRANSPARENT_TELEMETRY and a per-tool variable of a known program are listed', () => {
    const dir = tempDir();
    runCli(cli, ['on', '--program', '@acme/my-cli'], { dir });
    const s = status(dir, {
      env: {
        TRANSPARENT_TELEMETRY: 'local',
        MY_CLI_TELEMETRY_DISABLED: 'true',
        OTHER_TELEMETRY_DISABLED: '1',
      },
    });
    expect(s.overrides.map((override: { detail: string }) => override.detail).sort()).toEqual([
      'MY_CLI_TELEMETRY_DISABLED=true',
      'TRANSPARENT_TELEMETRY=local',
    ]);
    expect(s.programs).toMatchObject([
      {
        program: '@acme/my-cli',
        mode: 'off',
        decidedBy: { detail: 'MY_CLI_TELEMETRY_DISABLED=true' },
      },
    ]);
  });

  it('a project package.json with "transparentTelemetry": "off" decides, when run inside the repository', () => {
    const dir = dirWithFixture();
    write(join(dir, 'mode'), 'on 2026-11-02');
    const { root, inside } = repoWithSetting('off');
    const s = status(dir, { cwd: inside });
    const detail = `${join(root, 'package.json')} ("transparentTelemetry": "off")`;
    expect(s.overrides).toEqual([{ source: 'project', detail, mode: 'off' }]);
    expect(s.programs[0]).toMatchObject({ mode: 'off', decidedBy: { source: 'project', detail } });
    const text = runCli(cli, ['status'], { dir, cwd: inside }).stdout;
    expect(text).toContain(`programs, as run from ${inside}`);
    expect(text).toContain(`because of project setting ${detail}`);
    // Outside the repository the machine-wide choice holds again.
    expect(status(dir, { cwd: tempDir() }).programs[0].mode).toBe('on');
  });

  it('lists active and finished count files, pending, local-only and uploaded reports', () => {
    const dir = dirWithFixture();
    const old = addFixture(dir, 'gen@devel-go1.23.5-linux-amd64-2026-11-15.v1.count', (bytes) => {
      replaceMeta(bytes, 'TimeBegin: 2026-11-22', 'TimeBegin: 2026-11-15');
      replaceMeta(bytes, 'TimeEnd: 2026-11-26', 'TimeEnd: 2026-11-19');
    });
    write(join(dir, 'upload', '0123456789abcdef', '2026-11-19.json'), '{}');
    write(join(dir, 'local', 'local.2026-11-12.json'), '{}');
    write(join(dir, 'upload', '0123456789abcdef', 'sent', '2026-11-05.json'), '{}');
    write(join(dir, 'local', 'weekends'), '4');
    const s = status(dir);
    expect(s.countFiles.finished).toEqual([old]);
    expect(s.countFiles.active).toHaveLength(1);
    expect(s.reports).toEqual({
      pending: [join(dir, 'upload', '0123456789abcdef', '2026-11-19.json')],
      localOnly: [join(dir, 'local', 'local.2026-11-12.json')],
      uploaded: [join(dir, 'upload', '0123456789abcdef', 'sent', '2026-11-05.json')],
    });
    const text = runCli(cli, ['status'], { dir }).stdout;
    expect(text).toContain('1 active count file, 1 finished');
    expect(text).toContain('1 report waiting to be sent, 1 kept local, 1 sent');
  });

  it('a malformed count file is a warning on stderr naming it; status still succeeds', () => {
    const dir = dirWithFixture();
    const bad = join(dir, 'local', 'bad.v1.count');
    write(bad, 'not a count file');
    const r = runCli(cli, ['status'], { dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `warning: ${bad}: not a count file (it does not start with the v1 header)\n`,
    );
    expect(r.stdout).toContain(GO_PROGRAM);
  });
});
