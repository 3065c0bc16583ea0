import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GO_PROGRAM, TODAY, buildCli, dirWithFixture, runCli, tempDir, write } from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('telemetry on | off | local, machine-wide', () => {
  it.each(['on', 'off', 'local'])(
    '%s writes "<mode> <today>" to the mode file, Go format, no newline',
    (mode) => {
      const dir = tempDir();
      const r = runCli(cli, [mode], { dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe(`${mode} ${TODAY}`);
      expect(r.stdout).toContain(
        `telemetry is now ${mode} for every program on this machine (written to ${join(dir, 'mode')})`,
      );
    },
  );

  it('on explains what is sent, where it is published, and when sending may start', () => {
    const r = runCli(cli, ['on'], { dir: tempDir() });
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain(
      "only those counters that the tool's vendor lists in its public, signed collection config",
    );
    expect(text).toContain('no IDs, no file paths');
    expect(text).toContain(
      "'telemetry status' shows where each tool's reports go, and 'telemetry preview' the exact bytes before they leave",
    );
    expect(text).toContain('a tool that names no collector sends nothing');
    expect(text).toContain(`Nothing counted up to today (${TODAY}) is ever sent`);
  });

  it('local and off say that nothing is sent; off says data stays until clean or --purge', () => {
    const dir = tempDir();
    expect(runCli(cli, ['local'], { dir }).stdout.replace(/\s+/g, ' ')).toContain(
      'Nothing is sent anywhere',
    );
    const off = runCli(cli, ['off'], { dir }).stdout.replace(/\s+/g, ' ');
    expect(off).toContain('Tools stop counting and nothing is sent');
    expect(off).toContain(
      `stay in ${join(dir, 'local')} until you delete them with 'telemetry clean' or 'telemetry off --purge'`,
    );
  });

  it('setting the same mode again keeps the original date (the day of consent)', () => {
    const dir = tempDir();
    write(join(dir, 'mode'), 'on 2026-01-05');
    const r = runCli(cli, ['on'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('telemetry is already on for every program, since 2026-01-05');
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('on 2026-01-05');
  });

  it('a machine-wide choice replaces per-program choices and names them', () => {
    const dir = tempDir();
    runCli(cli, ['on', '--program', 'my-cli'], { dir });
    runCli(cli, ['off', '--program', '@acme/tool'], { dir });
    const r = runCli(cli, ['local'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'this replaces the earlier per-program choices: @acme/tool (off), my-cli (on)',
    );
    expect(existsSync(join(dir, 'program-modes.json'))).toBe(false);
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe(`local ${TODAY}`);
  });

  it('--dir after the command and before it both choose the directory', () => {
    const a = tempDir();
    const b = tempDir();
    expect(runCli(cli, ['off', '--dir', a]).code).toBe(0);
    expect(runCli(cli, ['--dir', b, 'on']).code).toBe(0);
    expect(readFileSync(join(a, 'mode'), 'utf8')).toBe(`off ${TODAY}`);
    expect(readFileSync(join(b, 'mode'), 'utf8')).toBe(`on ${TODAY}`);
  });

  it('--dir wins over TRANSPARENT_TELEMETRY_DIR', () => {
    const flag = tempDir();
    const env = tempDir();
    runCli(cli, ['off', '--dir', flag], { dir: env });
    expect(existsSync(join(flag, 'mode'))).toBe(true);
    expect(existsSync(join(env, 'mode'))).toBe(false);
  });
});

describe('telemetry on | off | local --program', () => {
  it('records the choice with its date in program-modes.json and leaves the mode file alone', () => {
    const dir = tempDir();
    write(join(dir, 'mode'), 'off 2026-01-01');
    const r = runCli(cli, ['on', '--program', 'my-cli'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `telemetry is now on for my-cli (written to ${join(dir, 'program-modes.json')})`,
    );
    expect(r.stdout).toContain('other programs follow the machine-wide mode, off');
    runCli(cli, ['local', '--program', 'other'], { dir });
    expect(readJson(join(dir, 'program-modes.json'))).toEqual({
      'my-cli': { mode: 'on', date: TODAY },
      other: { mode: 'local', date: TODAY },
    });
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('off 2026-01-01');
  });

  it('per-program on wins over a machine-wide off for that program only (status shows it)', () => {
    const dir = dirWithFixture();
    runCli(cli, ['off'], { dir });
    runCli(cli, ['on', '--program', 'my-cli'], { dir });
    const s = JSON.parse(runCli(cli, ['status', '--json'], { dir }).stdout);
    const byName = Object.fromEntries(
      s.programs.map((program: { program: string; mode: string }) => [
        program.program,
        program.mode,
      ]),
    );
    expect(byName).toEqual({ 'my-cli': 'on', [GO_PROGRAM]: 'off' });
  });

  it('notes when an opt-out in the environment lowers the new choice right now', () => {
    const r = runCli(cli, ['on', '--program', 'my-cli'], {
      dir: tempDir(),
      env: { MY_CLI_TELEMETRY_DISABLED: '1' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: here and now MY_CLI_TELEMETRY_DISABLED=1 lowers it to off');
  });

  it('an empty program name is a usage error', () => {
    const r = runCli(cli, ['on', '--program', ' '], { dir: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --program needs a program name\n');
  });
});

describe('telemetry off --purge', () => {
  it('deletes count files and reports, keeps mode, program-modes.json, notices.json and weekends', () => {
    const dir = dirWithFixture();
    write(join(dir, 'local', 'weekends'), '4\n');
    write(join(dir, 'upload', '0123456789abcdef', '2026-11-19.json'), '{}');
    write(join(dir, 'local', 'local.2026-11-19.json'), '{}');
    write(join(dir, 'upload', '0123456789abcdef', 'sent', '2026-11-12.json'), '{}');
    write(join(dir, 'notices.json'), '{}');
    runCli(cli, ['on', '--program', 'x'], { dir });
    const r = runCli(cli, ['off', '--purge'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`deleted 1 count file and 3 reports from ${dir}\n`);
    // Before the fix it said the counts "stay … until you delete them with off --purge".
    expect(r.stdout).not.toContain('stay');
    expect(r.stdout).toContain('Tools stop counting and nothing is sent.');
    expect(readdirSync(join(dir, 'local'))).toEqual(['weekends']);
    expect(readdirSync(join(dir, 'upload', '0123456789abcdef', 'sent'))).toEqual([]);
    expect(readdirSync(join(dir, 'upload', '0123456789abcdef'))).toEqual(['sent']);
    expect(readdirSync(dir).sort()).toEqual(['local', 'mode', 'notices.json', 'upload']);
  });

  it("with --program deletes only that program's count files and keeps reports", () => {
    const dir = dirWithFixture();
    write(join(dir, 'local', 'local.2026-11-19.json'), '{}');
    const r = runCli(cli, ['off', '--program', GO_PROGRAM, '--purge'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `deleted 1 count file of ${GO_PROGRAM} from ${dir} (reports are kept: they mix programs; 'telemetry clean' deletes them)`,
    );
    expect(r.stdout).not.toContain('stay');
    expect(readdirSync(join(dir, 'local'))).toEqual(['local.2026-11-19.json']);
    expect(runCli(cli, ['off', '--program', 'other', '--purge'], { dir }).stdout).toContain(
      'there were no count files of other to delete (reports are kept',
    );
  });

  it('--purge belongs to off only', () => {
    const r = runCli(cli, ['on', '--purge'], { dir: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--purge'");
  });
});
