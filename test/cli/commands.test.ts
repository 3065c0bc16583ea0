// The standalone command's newer words: bare `telemetry` (the status), help, enable/disable,
// reset, the warning for a program nobody knows, and the status of what tools declared.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GO_PROGRAM, TODAY, buildCli, dirWithFixture, runCli, tempDir, write } from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('telemetry with no command', () => {
  it('shows the status, exit 0', () => {
    const dir = dirWithFixture();
    const r = runCli(cli, [], { dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(runCli(cli, ['status'], { dir }).stdout);
    expect(r.stdout).toMatch(/^mode +local, the default/m);
  });

  it('with only options shows the status with those options: --dir, --json', () => {
    const dir = tempDir();
    const r = runCli(cli, ['--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^directory +${dir}$`, 'm'));
    const json = runCli(cli, ['--json'], { dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).directory).toBe(dir);
  });
});

describe('enable and disable', () => {
  it('are on and off', () => {
    const dir = tempDir();
    expect(runCli(cli, ['disable'], { dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe(`off ${TODAY}`);
    const r = runCli(cli, ['enable', '--program', 'my-cli'], { dir });
    expect(r.stdout).toContain('telemetry is now on for my-cli');
    expect(readJson(join(dir, 'program-modes.json'))).toEqual({
      'my-cli': { mode: 'on', date: TODAY },
    });
  });
});

describe('telemetry reset', () => {
  const withChoices = () => {
    const dir = tempDir();
    runCli(cli, ['on'], { dir });
    runCli(cli, ['off', '--program', 'my-cli'], { dir });
    runCli(cli, ['local', '--program', 'other'], { dir });
    return dir;
  };

  it('machine-wide removes the mode file and every per-program choice, and says what it removed', () => {
    const dir = withChoices();
    const r = runCli(cli, ['reset'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `removed the machine-wide mode (on, set ${TODAY}) from ${join(dir, 'mode')}\n` +
        `removed the per-program choices: my-cli (off), other (local) from ${join(dir, 'program-modes.json')}\n` +
        'every program now has the default mode, local\n',
    );
    expect(existsSync(join(dir, 'mode'))).toBe(false);
    expect(existsSync(join(dir, 'program-modes.json'))).toBe(false);
    expect(runCli(cli, ['reset', '--all'], { dir }).stdout).toBe(
      `there was no choice to forget in ${dir}; every program has the default mode, local\n`,
    );
  });

  it("--program drops that program's choice only; it follows the machine-wide mode again", () => {
    const dir = withChoices();
    const r = runCli(cli, ['reset', '--program', 'my-cli'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `forgot the choice for my-cli (off, set ${TODAY}) in ${join(dir, 'program-modes.json')}\nmy-cli now follows the machine-wide mode, on\n`,
    );
    expect(readJson(join(dir, 'program-modes.json'))).toEqual({
      other: { mode: 'local', date: TODAY },
    });
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe(`on ${TODAY}`);
    runCli(cli, ['reset', '--program', 'other'], { dir });
    expect(existsSync(join(dir, 'program-modes.json'))).toBe(false);
  });

  it('--program of a program without a choice changes nothing and warns if nobody knows it', () => {
    const dir = withChoices();
    const before = readFileSync(join(dir, 'program-modes.json'), 'utf8');
    const r = runCli(cli, ['reset', '--program', 'my-clii'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'my-clii has no choice of its own: nothing to forget; it follows the machine-wide mode, on\n',
    );
    expect(r.stderr).toBe(
      'warning: no program named my-clii has counted here or has a choice (known programs: my-cli, other)\n',
    );
    expect(readFileSync(join(dir, 'program-modes.json'), 'utf8')).toBe(before);
  });

  it('never deletes or rewrites a per-program file it cannot read', () => {
    const dir = tempDir();
    write(join(dir, 'mode'), 'off 2026-11-01');
    write(join(dir, 'program-modes.json'), '{"my-cli": ');
    for (const args of [['reset'], ['reset', '--program', 'my-cli']]) {
      const r = runCli(cli, args, { dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: cannot read ${join(dir, 'program-modes.json')}: is not valid JSON; left it as it is (fix or delete it by hand)\n`,
      );
    }
    expect(readFileSync(join(dir, 'program-modes.json'), 'utf8')).toBe('{"my-cli": ');
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('off 2026-11-01');
  });

  it('--program and --all together are a usage error', () => {
    const r = runCli(cli, ['reset', '--program', 'x', '--all'], { dir: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --program and --all do not go together\n');
  });
});

describe('a choice for a program nobody here knows', () => {
  const known = () => {
    const dir = dirWithFixture();
    runCli(cli, ['on', '--program', 'chosen-cli'], { dir });
    write(
      join(dir, 'programs.json'),
      JSON.stringify({ 'declared-cli': { command: 'declared telemetry' } }),
    );
    return dir;
  };

  it('is recorded, with a warning that lists the known programs', () => {
    const dir = known();
    const r = runCli(cli, ['off', '--program', 'my-clii'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('telemetry is now off for my-clii');
    expect(r.stderr).toBe(
      `warning: no program named my-clii has counted here or has a choice (known programs: chosen-cli, declared-cli, ${GO_PROGRAM})\n`,
    );
    expect(readJson(join(dir, 'program-modes.json'))['my-clii'].mode).toBe('off');
  });

  it('says so when no program is known at all', () => {
    const r = runCli(cli, ['off', '--program', 'first'], { dir: tempDir() });
    expect(r.stderr).toBe(
      'warning: no program named first has counted here or has a choice (no program is known here yet)\n',
    );
  });

  it.each([
    ['a count file', GO_PROGRAM],
    ['a choice', 'chosen-cli'],
    ['programs.json', 'declared-cli'],
  ])('no warning for a program known by %s', (_, program) => {
    const r = runCli(cli, ['local', '--program', program], { dir: known() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('status and what tools declared when they opened (programs.json)', () => {
  const declared = () => {
    const dir = tempDir();
    write(
      join(dir, 'programs.json'),
      JSON.stringify({ 'my-cli': { envVar: 'MYCLI_NO_STATS', command: 'mytool telemetry' } }),
    );
    return dir;
  };

  it('lists the program with its own variable and command', () => {
    const dir = declared();
    const s = JSON.parse(runCli(cli, ['status', '--json'], { dir }).stdout);
    expect(s.programs).toMatchObject([
      { program: 'my-cli', envVar: 'MYCLI_NO_STATS', command: 'mytool telemetry', mode: 'local' },
    ]);
    const text = runCli(cli, ['status'], { dir }).stdout;
    expect(text).toContain(
      'per-tool opt-out variables (each turns its tool off when set to anything but empty, 0 or false)',
    );
    expect(text).toMatch(
      /^  my-cli +MYCLI_NO_STATS +its own variable, declared when it opened; its command: mytool telemetry$/m,
    );
  });

  it('warns about a programs.json it cannot read, and leaves it as it is', () => {
    const dir = dirWithFixture();
    write(join(dir, 'programs.json'), '["not", "programs"]');
    const r = runCli(cli, ['status'], { dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `warning: ${join(dir, 'programs.json')}: ignored, not a JSON object of programs (tools leave it as it is)\n`,
    );
    expect(readFileSync(join(dir, 'programs.json'), 'utf8')).toBe('["not", "programs"]');
  });

  it("applies the program's own variable when it is set, and not the derived one", () => {
    const dir = declared();
    const off = JSON.parse(
      runCli(cli, ['status', '--json'], { dir, env: { MYCLI_NO_STATS: '1' } }).stdout,
    );
    expect(off.programs[0]).toMatchObject({
      program: 'my-cli',
      mode: 'off',
      decidedBy: { source: 'env', detail: 'MYCLI_NO_STATS=1' },
    });
    const derived = JSON.parse(
      runCli(cli, ['status', '--json'], { dir, env: { MY_CLI_TELEMETRY_DISABLED: '1' } }).stdout,
    );
    expect(derived.programs[0].mode).toBe('local');
    const r = runCli(cli, ['on', '--program', 'my-cli'], { dir, env: { MYCLI_NO_STATS: 'yes' } });
    expect(r.stdout).toContain('note: here and now MYCLI_NO_STATS=yes lowers it to off');
  });
});

describe('status when tools cannot write count files', () => {
  it('says that counts stay in memory, and why', () => {
    const base = tempDir();
    writeFileSync(join(base, 'afile'), '');
    const dir = join(base, 'afile', 'sub');
    const r = runCli(cli, ['status'], { dir, cwd: base });
    expect(r.code).toBe(0);
    const why = `${join(dir, 'local')} is not writable (${join(base, 'afile')} is not a directory)`;
    expect(r.stdout).toContain(
      `0 active count files, 0 finished\n  counts stay in memory: ${why}\n`,
    );
    expect(
      JSON.parse(runCli(cli, ['status', '--json'], { dir, cwd: base }).stdout).countsInMemory,
    ).toBe(why);
  });

  it('names a read-only directory', () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    const r = runCli(cli, ['status'], {
      dir,
      cwd: dir,
      ...(process.getuid?.() === 0 ? { uid: 65534 } : {}),
    });
    chmodSync(dir, 0o700);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `counts stay in memory: ${join(dir, 'local')} is not writable (${dir}: permission denied)`,
    );
  });

  it('says nothing of the kind for a directory that can be created', () => {
    const r = runCli(cli, ['status'], { dir: join(tempDir(), 'not', 'yet'), cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('counts stay in memory');
  });
});

describe('dump of a named file that does not exist', () => {
  it('says the file does not exist, not that the directory has no count files; exit 1', () => {
    const dir = tempDir();
    const missing = join(tempDir(), 'nonexistent');
    const r = runCli(cli, ['dump', missing], { dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${missing}: no such file\n`);
  });
});
