// The `telemetry` commands never write over a settings file they could not read, and say
// what to do about it; `status` explains what an unreadable file does.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { CLI, run, snapshot, userEnv } from './helpers.js';

function setup(programModes: string | null): {
  dir: string;
  file: string;
  cli: (...args: string[]) => ReturnType<typeof run>;
} {
  const home = tempDir('tt-cmd-');
  const dir = join(home, 'telemetry');
  mkdirSync(dir);
  const file = join(dir, 'program-modes.json');
  if (programModes !== null) writeFileSync(file, programModes);
  return { dir, file, cli: (...args) => run(CLI, args, { env: userEnv(dir, home), cwd: home }) };
}

const UNREADABLE = '{"a": {"mode": "off"}, "b": '; // cut short: b's choice is lost, a's must hold

describe('an unreadable program-modes.json', () => {
  it('telemetry <mode> --program refuses, names the file and the fix, and writes nothing', async () => {
    const { dir, file, cli } = setup(UNREADABLE);
    const before = snapshot(file);
    for (const mode of ['on', 'off', 'local']) {
      const r = await cli(mode, '--program', 'c');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `error: cannot read ${file} (is not valid JSON), so nothing was written; repair or remove it, then run this again\n`,
      );
    }
    expect(snapshot(file)).toBe(before);
    expect(readFileSync(file, 'utf8')).toBe(UNREADABLE);
    expect(() => readFileSync(join(dir, 'mode'))).toThrow(/ENOENT/);
  });

  it('machine-wide telemetry <mode> writes the mode file, keeps it, and says every program stays off', async () => {
    const { dir, file, cli } = setup(UNREADABLE);
    const r = await cli('on');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'mode'), 'utf8')).toBe('on 2026-11-23');
    expect(readFileSync(file, 'utf8')).toBe(UNREADABLE); // before: deleted along with a's "off"
    expect(r.stdout).toContain(
      `note: ${file} was left in place: cannot read it (is not valid JSON); until it is repaired or removed, every program is off`,
    );
  });

  it('status says why every program is off, in text and JSON', async () => {
    const { file, cli } = setup('[1, 2]');
    writeFileSync(join(file, '..', 'mode'), 'on 2026-11-01');
    const text = await cli('status');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `cannot read\n  ${file}: is not a JSON object of programs\n    every program is off until it is repaired or removed\n`,
    );
    const json = JSON.parse((await cli('status', '--json')).stdout);
    expect(json.unreadable).toEqual([
      {
        file,
        reason: 'is not a JSON object of programs',
        effect: 'every program is off until it is repaired or removed',
      },
    ]);
    expect(json.mode).toMatchObject({ mode: 'on', source: 'machine' });
  });

  it('an entry with an unknown mode makes the whole file unreadable: that entry may have been an off', async () => {
    const { file, cli } = setup(JSON.stringify({ a: { mode: 'of' }, b: { mode: 'on' } }));
    const r = await cli('on', '--program', 'b');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `cannot read ${file} (the entry for "a" has no mode on, off or local)`,
    );
  });
});

describe('an unreadable mode file', () => {
  it('status shows off and why; setting a machine-wide mode replaces it', async () => {
    const { dir, cli } = setup(null);
    const mode = join(dir, 'mode');
    writeFileSync(mode, 'maybe 2026-11-01');
    const s = await cli('status');
    expect(s.stdout).toMatch(/^mode +off, because .*\/mode cannot be read$/m);
    expect(s.stdout).toContain(`${mode}: holds "maybe", not on, off or local`);
    expect(JSON.parse((await cli('status', '--json')).stdout).mode).toEqual({
      mode: 'off',
      date: null,
      source: 'unreadable',
      file: mode,
    });
    // Its whole content is the one choice the user is now replacing: nothing else is lost.
    const r = await cli('off');
    expect(r.code).toBe(0);
    expect(readFileSync(mode, 'utf8')).toBe('off 2026-11-23');
  });
});
