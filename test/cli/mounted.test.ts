// A tool's own `telemetry` subcommand, mounted with transparent-telemetry/command (the built
// dist/cmd/command.js and .cjs): same output and exit codes as the standalone command, choices
// for that tool unless --all, the name the user typed in usage lines, and the process left to
// the tool (it never exits on the tool's behalf).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TODAY, cleanEnv, dirWithFixture, tempDir, write } from './helpers.js';

const DIST = resolve('dist/cmd');
const tools = tempDir('tt-mounted-');

/** A tool whose `telemetry` subcommand is the mounted command; prints its exit code after it. */
function tool(kind: 'esm' | 'cjs', options: string): string {
  const file = join(
    tools,
    `tool-${kind}-${Math.random().toString(36).slice(2)}.${kind === 'esm' ? 'mjs' : 'cjs'}`,
  );
  const load =
    kind === 'esm'
      ? `const { telemetryCommand } = await import(${JSON.stringify(join(DIST, 'command.js'))});`
      : `const { telemetryCommand } = require(${JSON.stringify(join(DIST, 'command.cjs'))});`;
  const body = `
    const [sub, ...rest] = process.argv.slice(2);
    if (sub !== 'telemetry') { console.log('my tool'); return; }
    const code = await telemetryCommand(rest, ${options});
    process.stdout.write('TOOL-SAW-EXIT=' + code + '\\n');
    process.exitCode = code;`;
  writeFileSync(
    file,
    kind === 'esm'
      ? `${load}\nawait (async () => {${body}})();\n`
      : `(async () => {\n${load}\n${body}})();\n`,
  );
  return file;
}

const MY_CLI = tool('esm', `{ program: 'my-cli', name: 'my-cli telemetry' }`);

function run(file: string, args: string[], dir?: string, env: NodeJS.ProcessEnv = {}) {
  const home = tempDir('tt-home-');
  const r = spawnSync(process.execPath, [file, 'telemetry', ...args], {
    env: cleanEnv({ HOME: home, ...(dir ? { TRANSPARENT_TELEMETRY_DIR: dir } : {}), ...env }),
    cwd: home,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const countFilesIn = (dir: string) =>
  readdirSync(join(dir, 'local')).filter((name) => name.endsWith('.v1.count'));

describe('mytool telemetry on | off | local', () => {
  it('acts for the tool only, and returns the exit code to the tool', () => {
    const dir = tempDir();
    const r = run(MY_CLI, ['off'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `telemetry is now off for my-cli (written to ${join(dir, 'program-modes.json')})`,
    );
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      "until you delete them with 'my-cli telemetry clean' or 'my-cli telemetry off --purge'",
    );
    expect(r.stdout.endsWith('TOOL-SAW-EXIT=0\n')).toBe(true);
    expect(r.stderr).toBe(''); // its own program needs no "unknown program" warning
    expect(readJson(join(dir, 'program-modes.json'))).toEqual({
      'my-cli': { mode: 'off', date: TODAY },
    });
    expect(existsSync(join(dir, 'mode'))).toBe(false);
  });

  it('--all acts for every program; enable and disable are on and off', () => {
    const dir = tempDir();
    expect(run(MY_CLI, ['disable', '--all'], dir).stdout).toContain(
      'telemetry is now off for every program on this machine',
    );
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe(`off ${TODAY}`);
    run(MY_CLI, ['enable'], dir);
    expect(readJson(join(dir, 'program-modes.json'))).toEqual({
      'my-cli': { mode: 'on', date: TODAY },
    });
  });

  it('--program belongs to the standalone command: a usage error, exit 2, returned to the tool', () => {
    const r = run(MY_CLI, ['off', '--program', 'x'], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--program'\n");
    expect(r.stdout).toBe('TOOL-SAW-EXIT=2\n');
  });

  it('a failure is exit 1, returned to the tool', () => {
    const base = tempDir();
    writeFileSync(join(base, 'afile'), '');
    const r = run(MY_CLI, ['off'], join(base, 'afile', 'sub'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write .*: a path component is not a directory\n$/);
    expect(r.stdout).toBe('TOOL-SAW-EXIT=1\n');
  });

  it("off --purge deletes only the tool's count files and says so", () => {
    const dir = dirWithFixture();
    const gen = tool(
      'esm',
      `{ program: 'golang.org/x/telemetry/gopeer/gen', name: 'gen telemetry' }`,
    );
    const r = run(gen, ['off', '--purge'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `deleted 1 count file of golang.org/x/telemetry/gopeer/gen from ${dir} (reports are kept: they mix programs; 'gen telemetry clean --all' deletes them)`,
    );
  });
});

describe('mytool telemetry clean', () => {
  it("deletes the tool's own count files only; --all deletes every count file and report", () => {
    const dir = dirWithFixture();
    const report = join(dir, 'local', 'local.2026-11-01.json');
    write(report, '{}');
    const mine = run(MY_CLI, ['clean', '--yes'], dir);
    expect(mine.code).toBe(0);
    expect(mine.stdout).toContain(`nothing to delete of my-cli in ${dir}`);
    expect(countFilesIn(dir)).toHaveLength(1); // another program's data is not my-cli's to delete
    const gen = tool(
      'esm',
      `{ program: 'golang.org/x/telemetry/gopeer/gen', name: 'gen telemetry' }`,
    );
    expect(run(gen, ['clean', '--yes'], dir).stdout).toContain('deleted 1 file');
    expect(countFilesIn(dir)).toHaveLength(0);
    expect(existsSync(report)).toBe(true); // reports mix programs
    expect(run(MY_CLI, ['clean', '--all', '--yes'], dir).stdout).toContain('deleted 1 file');
    expect(existsSync(report)).toBe(false);
  });
});

describe('mytool telemetry reset', () => {
  it("drops the tool's own choice; --all drops every choice", () => {
    const dir = tempDir();
    run(MY_CLI, ['on'], dir);
    run(MY_CLI, ['local', '--all'], dir);
    run(MY_CLI, ['off'], dir);
    write(
      join(dir, 'program-modes.json'),
      JSON.stringify({
        'my-cli': { mode: 'off', date: TODAY },
        other: { mode: 'on', date: TODAY },
      }),
    );
    const r = run(MY_CLI, ['reset'], dir);
    expect(r.stdout).toContain('my-cli now follows the machine-wide mode, local');
    expect(readJson(join(dir, 'program-modes.json'))).toEqual({
      other: { mode: 'on', date: TODAY },
    });
    expect(run(MY_CLI, ['reset', '--all'], dir).stdout).toContain(
      'every program now has the default mode, local',
    );
    expect(existsSync(join(dir, 'mode'))).toBe(false);
    expect(existsSync(join(dir, 'program-modes.json'))).toBe(false);
  });
});

describe('mytool telemetry with no command, status and help', () => {
  it('shows the status, listing the tool even before it has counted', () => {
    const dir = tempDir();
    const r = run(MY_CLI, [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^  my-cli +local +because of the default/m);
    const s = JSON.parse(
      run(MY_CLI, ['status', '--json'], dir).stdout.replace(/TOOL-SAW-EXIT=0\n$/, ''),
    );
    expect(s.programs).toMatchObject([{ program: 'my-cli', mode: 'local' }]);
  });

  it('shows the name the user typed in usage lines, examples and hints', () => {
    const help = run(MY_CLI, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: my-cli telemetry [options] [command]');
    expect(help.stdout).toContain('$ my-cli telemetry off --all');
    expect(help.stdout).not.toContain('--version');
    const off = run(MY_CLI, ['help', 'off']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('Usage: my-cli telemetry off|disable [options]');
    expect(off.stdout).toContain('$ my-cli telemetry off --purge');
    const status = run(MY_CLI, ['status', '--help']);
    expect(status.stdout).toContain('$ DO_NOT_TRACK=1 my-cli telemetry status');
    const typo = run(MY_CLI, ['frobnicate']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "error: unknown command 'frobnicate' (see 'my-cli telemetry --help')\n",
    );
  });

  it('names itself "<program> telemetry" when the tool gives no name', () => {
    const r = run(tool('esm', `{ program: '@acme/x' }`), ['--help']);
    expect(r.stdout).toContain('Usage: @acme/x telemetry [options] [command]');
  });
});

describe('options of telemetryCommand', () => {
  it('dir is the telemetry directory, below --dir and above $TRANSPARENT_TELEMETRY_DIR', () => {
    const [own, env, flag] = [tempDir(), tempDir(), tempDir()];
    const t = tool('esm', `{ program: 'my-cli', dir: ${JSON.stringify(own)} }`);
    run(t, ['off'], env);
    expect(existsSync(join(own, 'program-modes.json'))).toBe(true);
    expect(existsSync(join(env, 'program-modes.json'))).toBe(false);
    run(t, ['on', '--dir', flag], env);
    expect(readJson(join(flag, 'program-modes.json'))['my-cli'].mode).toBe('on');
  });

  it('works from CommonJS', () => {
    const dir = tempDir();
    const r = run(tool('cjs', `{ program: 'my-cli', name: 'my-cli telemetry' }`), ['off'], dir);
    expect(r.code).toBe(0);
    expect(readJson(join(dir, 'program-modes.json'))['my-cli'].mode).toBe('off');
  });

  it.each([
    ['no program', `{}`, 'options.program must be a non-empty string'],
    ['an empty name', `{ program: 'x', name: ' ' }`, 'options.name must be a non-empty string'],
  ])('rejects %s with a TypeError naming the option', (_, options, message) => {
    const r = run(tool('esm', options), ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`TypeError: telemetryCommand: ${message}`);
  });
});

describe('the module a tool imports at start-up', () => {
  it('is tiny and loads the CLI only when the command runs', () => {
    for (const f of ['command.js', 'command.cjs']) {
      const text = readFileSync(join(DIST, f), 'utf8');
      expect(statSync(join(DIST, f)).size).toBeLessThan(3000);
      // No static import or require at all: the CLI bundle comes in through import() when called.
      expect(text).not.toMatch(/\bimport\s*[{*\w][^(]*from|^import\s|\brequire\(["'](?!node:)/m);
      expect(text).not.toContain('commander');
    }
    // The CLI bundle loads child_process (commander) and http (the viewer) at once; the
    // module a tool imports at start-up must load neither.
    const loads = (file: string) => {
      const code = `const before = new Set(process.moduleLoadList); await import(${JSON.stringify(file)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))))`;
      return JSON.parse(
        spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' })
          .stdout,
      ) as string[];
    };
    const heavy = ['NativeModule child_process', 'NativeModule http'];
    expect(loads(join(DIST, 'cli.js'))).toEqual(expect.arrayContaining(heavy)); // the check can see them
    expect(loads(join(DIST, 'command.js')).filter((match) => heavy.includes(match))).toEqual([]);
  });
});
