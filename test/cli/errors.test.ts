import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { buildCli, dirWithFixture, runCli, tempDir } from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('usage errors: commander style on stderr, exit 2, no stack trace', () => {
  it.each([
    [['of'], "error: unknown mode 'of' (expected on, off or local)\n"],
    [['Onn'], "error: unknown mode 'Onn' (expected on, off or local)\n"],
    [['dupm'], "error: unknown command 'dupm' (did you mean dump?)\n"],
    [['frobnicate'], "error: unknown command 'frobnicate' (see 'telemetry --help')\n"],
    [['on', 'off'], "error: too many arguments for 'on'. Expected 0 arguments but got 1.\n"],
    [['status', '--jsn'], "error: unknown option '--jsn'\n(Did you mean --json?)\n"],
    [['on', '--program'], "error: option '--program <name>' argument missing\n"],
  ])('telemetry %j', (args, message) => {
    const dir = tempDir();
    const r = runCli(cli, args, { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe('');
    noStack(r.stderr);
  });

  it('help for an unknown command is a usage error, exit 2', () => {
    const r = runCli(cli, ['help', 'frobnicate'], { dir: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: telemetry [options] [command]');
  });
});

describe('help and version', () => {
  it.each(['on', 'off', 'local', 'status', 'dump', 'csv', 'clean'])(
    'telemetry %s --help has examples',
    (cmd) => {
      const r = runCli(cli, [cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: telemetry ${cmd}`);
      expect(r.stdout).toContain('Examples:');
    },
  );

  it('the top-level help lists every command, the view included', () => {
    const r = runCli(cli, ['--help']);
    expect(r.code).toBe(0);
    for (const cmd of [
      'on|enable',
      'local',
      'off|disable',
      'reset',
      'status|env',
      'view',
      'dump',
      'csv',
      'clean',
    ])
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd.replace('|', '\\|')} `, 'm'));
  });

  it.each([[['help']], [['help', 'off']], [['help', 'reset']]])(
    'telemetry %j is asked-for help: stdout, exit 0',
    (args) => {
      const r = runCli(cli, args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        args[1]
          ? `Usage: telemetry ${args[1] === 'off' ? 'off|disable' : args[1]} [options]`
          : 'Usage: telemetry [options] [command]',
      );
      expect(r.stderr).toBe('');
    },
  );

  it('--help documents the JSON shapes and how big values are printed', () => {
    expect(runCli(cli, ['status', '--help']).stdout).toContain(
      '"programs": [ { "program", "envVar", "command", "mode", "decidedBy"',
    );
    expect(runCli(cli, ['dump', '--help']).stdout).toContain(
      'Counts are JSON numbers written exactly, even above 2^53',
    );
  });

  it('the built bin runs by its own path, as npx telemetry runs it in a checkout (it is executable)', () => {
    const bin = join(ROOT, 'dist', 'cmd', 'telemetry.js');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--version prints the package version', () => {
    const r = runCli(cli, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
  });
});

describe('an unwritable telemetry directory', () => {
  // Tests may run as root, for whom chmod does not stop writes; a directory "inside" a
  // regular file fails for everyone (ENOTDIR), which is the same path through the code.
  const underFile = () => {
    const base = tempDir();
    writeFileSync(join(base, 'afile'), '');
    return { base, dir: join(base, 'afile', 'sub') };
  };

  it('setting a mode fails with the path and the reason, exit 1, no stack trace', () => {
    const { base, dir } = underFile();
    for (const args of [['on'], ['off', '--program', 'x']]) {
      const r = runCli(cli, args, { dir, cwd: base });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: cannot write ${join(base, 'afile', 'sub')}: a path component is not a directory\n`,
      );
      noStack(r.stderr);
    }
  });

  it('a read-only directory says permission denied', () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    // As root (CI here) the CLI runs as nobody, for whom the mode bits hold.
    const r = runCli(cli, ['on'], {
      dir,
      cwd: dir,
      ...(process.getuid?.() === 0 ? { uid: 65534 } : {}),
    });
    chmodSync(dir, 0o700);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write .*: permission denied\n$/);
  });

  it('clean reports files it cannot delete, by name, and exit 1', () => {
    // A count file that is a non-empty directory cannot be removed by rm without recursion.
    const dir = dirWithFixture();
    const stuck = join(dir, 'local', 'stuck.v1.count');
    mkdirSync(join(stuck, 'inner'), { recursive: true });
    const r = runCli(cli, ['clean', '--yes'], { dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('deleted 1 file\n');
    expect(r.stderr).toMatch(new RegExp(`^error: cannot delete ${stuck}: `));
  });
});

describe('colour', () => {
  const dir = () => dirWithFixture();
  it('none when stdout is not a terminal', () => {
    expect(runCli(cli, ['status'], { dir: dir() }).stdout).not.toContain('\x1b[');
  });
  it('FORCE_COLOR asks for it, NO_COLOR always wins', () => {
    const d = dir();
    expect(runCli(cli, ['status'], { dir: d, env: { FORCE_COLOR: '1' } }).stdout).toContain(
      '\x1b[1mmode\x1b[22m',
    );
    expect(runCli(cli, ['dump'], { dir: d, env: { FORCE_COLOR: '1' } }).stdout).toContain('\x1b[');
    expect(
      runCli(cli, ['status'], { dir: d, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout,
    ).not.toContain('\x1b[');
    expect(
      runCli(cli, ['dump'], { dir: d, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout,
    ).not.toContain('\x1b[');
  });
});

describe('the test clock', () => {
  it('TRANSPARENT_TELEMETRY_NOW must be a date', () => {
    const r = runCli(cli, ['on'], { dir: tempDir(), env: { TRANSPARENT_TELEMETRY_NOW: 'soon' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: TRANSPARENT_TELEMETRY_NOW: 'soon' is not a YYYY-MM-DD date\n");
  });
});
