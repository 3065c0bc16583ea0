import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cleanEnv, dirWithFixture, runCli, tempDir, write } from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

/** A directory holding one of everything: 2 count files, 3 reports, and the files clean keeps. */
function fullDir(): string {
  const dir = dirWithFixture();
  write(join(dir, 'local', 'other.v1.count'), 'not even valid: clean deletes by name');
  write(join(dir, 'upload', '0123456789abcdef', '2026-11-19.json'), '{}');
  write(join(dir, 'local', 'local.2026-11-19.json'), '{}');
  write(join(dir, 'upload', '0123456789abcdef', 'sent', '2026-11-12.json'), '{}');
  write(join(dir, 'local', 'weekends'), '4\n');
  write(join(dir, 'mode'), 'on 2026-11-01');
  write(join(dir, 'program-modes.json'), '{"x":{"mode":"off","date":"2026-11-01"}}\n');
  write(join(dir, 'notices.json'), '{}');
  return dir;
}

function expectKept(dir: string): void {
  expect(readdirSync(join(dir, 'local'))).toEqual(['weekends']);
  expect(readdirSync(join(dir, 'upload', '0123456789abcdef'))).toEqual(['sent']);
  expect(readdirSync(join(dir, 'upload', '0123456789abcdef', 'sent'))).toEqual([]);
  expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('on 2026-11-01');
  expect(readFileSync(join(dir, 'local', 'weekends'), 'utf8')).toBe('4\n');
  expect(existsSync(join(dir, 'program-modes.json'))).toBe(true);
  expect(existsSync(join(dir, 'notices.json'))).toBe(true);
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `typed`. */
function onTerminal(dir: string, args: string, typed: string) {
  return spawnSync('script', ['-qec', `${process.execPath} ${cli} ${args}`, '/dev/null'], {
    input: typed,
    env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: dir }),
    encoding: 'utf8',
  });
}
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('telemetry clean', () => {
  it('--yes deletes count files and reports, keeps mode, program-modes.json, notices.json and weekends', () => {
    const dir = fullDir();
    const r = runCli(cli, ['clean', '--yes'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('deleted 5 files\n');
    expectKept(dir);
  });

  it('without a terminal and without --yes refuses, deletes nothing, exit 1', () => {
    const dir = fullDir();
    const r = runCli(cli, ['clean'], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: refusing to delete 5 files (count files and reports) from ${dir} without --yes: not a terminal, cannot ask\n`,
    );
    expect(readdirSync(join(dir, 'local'))).toHaveLength(4);
    expect(readdirSync(join(dir, 'upload', '0123456789abcdef')).sort()).toEqual([
      '2026-11-19.json',
      'sent',
    ]);
  });

  it('with nothing to delete says so and succeeds', () => {
    const dir = tempDir();
    const r = runCli(cli, ['clean'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`nothing to delete in ${dir}\n`);
  });

  it.skipIf(!hasScript)('on a terminal asks first; y deletes', () => {
    const dir = fullDir();
    const r = onTerminal(dir, 'clean', 'y\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`delete 5 files (count files and reports) from ${dir}? [y/N]`);
    expect(r.stdout).toContain('deleted 5 files');
    expectKept(dir);
  });

  it.skipIf(!hasScript)('on a terminal asks first; anything but y keeps everything', () => {
    const dir = fullDir();
    const r = onTerminal(dir, 'clean', '\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nothing deleted');
    expect(readdirSync(join(dir, 'local'))).toHaveLength(4);
    expect(readdirSync(join(dir, 'upload', '0123456789abcdef')).sort()).toEqual([
      '2026-11-19.json',
      'sent',
    ]);
  });
});
