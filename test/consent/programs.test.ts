// open() records what `telemetry status` needs to know about a program (its own opt-out
// variable, its mounted command) in <dir>/programs.json: only when counting is not off, only
// when something changed, and never over a file it could not read.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layout, writeProgramMode } from '../../counter/settings/index.js';
import { countFiles } from '../helpers.js';
import { cleanEnv, publicEntry, removeTempDirs, runPiped, tempDir } from './harness.js';

afterAll(removeTempDirs);

/** Runs a tool that calls open(options) (no terminal: nothing else happens). */
async function openWith(dir: string, extra: Record<string, string> = {}): Promise<void> {
  const env = cleanEnv({ TT_MODULE: publicEntry(), TT_DIR: dir, HOME: tempDir('home'), ...extra });
  const run = await runPiped('notice-tool.mjs', { env, limitMs: 10_000 });
  expect(run.output).toBe('RESULT=false\n');
}

const file = (dir: string) => layout(dir).programsFile;
const read = (dir: string) => JSON.parse(readFileSync(file(dir), 'utf8'));
const DECLARED = {
  TT_PROGRAM: 'my-cli',
  TT_ENV_VAR: 'MYCLI_NO_STATS',
  TT_COMMAND: JSON.stringify('mytool telemetry'),
};

describe('programs.json', () => {
  it('records the variable and command open() was given', async () => {
    const dir = join(tempDir('programs'), 'telemetry');
    await openWith(dir, DECLARED);
    expect(read(dir)).toEqual({
      'my-cli': { envVar: 'MYCLI_NO_STATS', command: 'mytool telemetry' },
    });
  });

  it('is not rewritten when nothing changed, and is when something did, keeping other entries and fields', async () => {
    const dir = join(tempDir('programs'), 'telemetry');
    await openWith(dir, DECLARED);
    const before = statSync(file(dir));
    await openWith(dir, DECLARED);
    // A rewrite is a new file (temp file + rename): same inode and mtime means no write.
    expect(statSync(file(dir)).ino).toBe(before.ino);
    expect(statSync(file(dir)).mtimeMs).toBe(before.mtimeMs);
    writeFileSync(
      file(dir),
      JSON.stringify({
        'my-cli': { ...read(dir)['my-cli'], later: 'kept' },
        other: { envVar: 'OTHER_OFF' },
      }),
    );
    await openWith(dir, { ...DECLARED, TT_COMMAND: JSON.stringify('my-cli telemetry') });
    expect(read(dir)).toEqual({
      'my-cli': { envVar: 'MYCLI_NO_STATS', command: 'my-cli telemetry', later: 'kept' },
      other: { envVar: 'OTHER_OFF' },
    });
  });

  it('is not created for a program that declares nothing', async () => {
    const dir = join(tempDir('programs'), 'telemetry');
    await openWith(dir, { TT_PROGRAM: 'plain-cli' });
    expect(countFiles(dir)).toHaveLength(1);
    expect(existsSync(file(dir))).toBe(false);
  });

  it('is not written when counting is off for the program', async () => {
    const dir = join(tempDir('programs'), 'telemetry');
    writeProgramMode(layout(dir), 'my-cli', 'off');
    await openWith(dir, DECLARED);
    await openWith(dir, { ...DECLARED, DO_NOT_TRACK: '1' });
    expect(existsSync(file(dir))).toBe(false);
  });

  it.each([
    ['not JSON', '{"my-cli": '],
    ['an array', '[1, 2]'],
    ['an entry that is not an object', '{"my-cli": "x"}'],
  ])('that is %s is left as it is, and counting goes on', async (_, text) => {
    const dir = join(tempDir('programs'), 'telemetry');
    await openWith(dir, { TT_PROGRAM: 'seed' });
    writeFileSync(file(dir), text);
    await openWith(dir, DECLARED);
    expect(readFileSync(file(dir), 'utf8')).toBe(text);
    expect(countFiles(dir).length).toBe(2);
  });
});
