// The settings reader, the bounded mkdir and the policy's reason for an unreadable file, in process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPS, decide, layout } from '../../counter/settings/index.js';
import { makeDir, readText } from '../../safeio/index.js';
import { tempDir } from '../helpers.js';

describe('readText', () => {
  it('tells an absent file from one it cannot read', () => {
    const d = tempDir();
    writeFileSync(join(d, 'f'), 'x');
    expect(readText(join(d, 'nope'), 10)).toEqual({
      file: join(d, 'nope'),
      absent: true,
      reason: 'no such file',
    });
    expect(readText(join(d, 'f', 'below-a-file'), 10)).toMatchObject({ absent: true });
    expect(readText(join(d, 'f'), 10)).toBe('x');
  });

  it('refuses anything but a regular file, without blocking', () => {
    const d = tempDir();
    mkdirSync(join(d, 'dir'));
    execFileSync('mkfifo', [join(d, 'fifo')]);
    symlinkSync('/dev/zero', join(d, 'zero'));
    expect(readText(join(d, 'dir'), 10)).toMatchObject({ absent: false, reason: 'is a directory' });
    expect(readText(join(d, 'fifo'), 10)).toMatchObject({
      absent: false,
      reason: 'is not a regular file (a FIFO)',
    });
    expect(readText(join(d, 'zero'), 10)).toMatchObject({
      absent: false,
      reason: 'is not a regular file (a character device)',
    });
  });

  it('reads a file of exactly the cap, refuses one byte more', () => {
    const d = tempDir();
    writeFileSync(join(d, 'at'), 'a'.repeat(CAPS.word));
    writeFileSync(join(d, 'over'), 'a'.repeat(CAPS.word + 1));
    expect(readText(join(d, 'at'), CAPS.word)).toHaveLength(CAPS.word);
    expect(readText(join(d, 'over'), CAPS.word)).toMatchObject({
      reason: 'is too large (4097 bytes; the limit is 4 KiB)',
    });
  });
});

describe('makeDir', () => {
  it('makes every missing level, and accepts what exists', () => {
    const d = tempDir();
    makeDir(join(d, 'a', 'b', 'c'));
    makeDir(join(d, 'a', 'b', 'c'));
    expect(statSync(join(d, 'a', 'b', 'c')).isDirectory()).toBe(true);
  });

  it('names the file in the way', () => {
    const d = tempDir();
    writeFileSync(join(d, 'file'), '');
    expect(() => makeDir(join(d, 'file', 'x', 'y'))).toThrow(
      `cannot create ${join(d, 'file', 'x', 'y')}: ${join(d, 'file')} is not a directory (ENOTDIR)`,
    );
  });

  it('gives up at once where mkdir cannot create anything (/proc)', () => {
    expect(() => makeDir('/proc/nope/local')).toThrow(/^cannot create \/proc\/nope: /);
  });
});

describe('decide, with settings it cannot read', () => {
  it('is off, naming the file and the reason', () => {
    const dirs = layout(tempDir());
    writeFileSync(dirs.modeFile, 'on 2026-11-01');
    mkdirSync(dirs.programModesFile);
    const d = decide({ dirs, program: 'x', env: {}, cwd: dirs.root, home: dirs.root });
    expect(d.mode).toBe('off');
    expect(d.decidedBy).toEqual({
      source: 'unreadable',
      detail: `${dirs.programModesFile}: is a directory`,
      mode: 'off',
    });
  });

  it('reads an unknown word in the mode file as off, not local', () => {
    const dirs = layout(tempDir());
    writeFileSync(dirs.modeFile, 'yes');
    expect(
      decide({ dirs, program: 'x', env: {}, cwd: dirs.root, home: dirs.root }).decidedBy,
    ).toEqual({
      source: 'unreadable',
      detail: `${dirs.modeFile}: holds "yes", not on, off or local`,
      mode: 'off',
    });
  });
});
