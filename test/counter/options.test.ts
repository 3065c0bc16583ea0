// open() never throws, and options of the wrong type get a reason a tool author can act on
// (not an error from deep inside the minified bundle). Through the built entry, as a tool uses it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, tempDir } from '../helpers.js';

/** Calls open(<args>) in a fresh process with the built entry, then counts; returns what open() said. */
function openWith(args: string, dir: string) {
  const code = `
    const { open, Counter } = await import(${JSON.stringify(DIST_COUNTER)});
    const r = open(${args});
    new Counter('host/after').inc();
    process.stdout.write(JSON.stringify(r));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: cleanEnv({ HOME: dir, TRANSPARENT_TELEMETRY_DIR: dir }),
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as {
    mode: string;
    file: string | null;
    reason: string;
    program: { name: string };
  };
}

describe('open() options', () => {
  for (const args of ['null', 'undefined', '']) {
    it(`open(${args}) uses the defaults`, () => {
      const dir = tempDir();
      const r = openWith(args, dir);
      expect(r.mode).toBe('local');
      expect(r.file).toMatch(new RegExp(`^${dir}/local/${r.program.name}[@-].*\\.v1\\.count$`));
    });
  }

  for (const [args, reason] of [
    ['{ program: 42 }', 'open(): option program must be a non-empty string, got number'],
    ["{ program: '' }", 'open(): option program must be a non-empty string, got an empty string'],
    ['{ version: 1 }', 'open(): option version must be a string, got number'],
    ['{ dir: null }', 'open(): option dir must be a non-empty string, got null'],
    ["{ envVar: ['X'] }", 'open(): option envVar must be a non-empty string, got an array'],
    ["{ now: '2026-11-23' }", 'open(): option now must be a function returning a Date, got string'],
    ["'my-tool'", 'open(): options must be an object, got string'],
    ['42', 'open(): options must be an object, got number'],
    // Past the quick check for plain options (hub.ts plainOptions): null is not absent.
    ['[]', 'open(): options must be an object, got an array'],
    ['{ now: null }', 'open(): option now must be a function returning a Date, got null'],
    [
      '{ command: null }',
      'open(): option command must be a non-empty line of printable characters, got null',
    ],
    ['{ collector: null }', 'open(): option collector must be an object { url, key }, got null'],
    [
      '{ crashes: null }',
      'open(): option crashes must be true, false or { depth: an integer from 1 to 100 }, got null',
    ],
    ["{ program: 'p', version: null }", 'open(): option version must be a string, got null'],
  ] as const) {
    it(`open(${args}) says which option is wrong, and writes nothing`, () => {
      const dir = tempDir();
      const r = openWith(args, dir);
      expect(r).toEqual({
        mode: 'off',
        program: { name: '', version: '' },
        file: null,
        backend: null,
        reason,
      });
      expect(existsSync(join(dir, 'local')) ? readdirSync(join(dir, 'local')) : []).toEqual([]);
    });
  }
});
