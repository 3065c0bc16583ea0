// The everyday start-up path of the built toolkit (docs/startup.md): the engine's V8 code cache
// in the telemetry directory (written once, used after, never trusted blindly) and no timer
// for a process that ends within its first turn of the event loop. Real processes, real files.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';

const COUNT = `const { open, inc } = await import(${JSON.stringify(DIST_COUNTER)});
  const r = open({ program: 'boot', version: '1' }); inc('boot/run');
  console.log(JSON.stringify(r));`;

/** One tool run in telemetry directory `dir` (with a debug/ folder, so the toolkit logs). */
function run(dir: string, code = COUNT, env: NodeJS.ProcessEnv = {}, esm = true) {
  const r = spawnSync(process.execPath, [...(esm ? ['--input-type=module'] : []), '-e', code], {
    env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: dir, ...env }),
    encoding: 'utf8',
    timeout: 30_000,
    cwd: ROOT,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'cache')).map((name) => join(dir, 'cache', name));
  } catch {
    return [];
  }
}

function debugLines(dir: string): string[] {
  const read = (name: string) =>
    readFileSync(join(dir, 'debug', name), 'utf8')
      .trim()
      .split('\n');
  return readdirSync(join(dir, 'debug')).flatMap(read);
}

function withDebug(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'debug'));
  return dir;
}

describe("the engine's code cache", () => {
  it('is written once by the first run, owner-only, and used as it is by the next ones', () => {
    const dir = withDebug();
    run(dir);
    const [file, ...more] = cacheFiles(dir);
    expect(more).toEqual([]);
    const version = process.version.replaceAll('.', '\\.');
    expect(file).toMatch(new RegExp(`engine-[0-9a-f]{32}-${version}-${process.arch}\\.v8$`));
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const first = statSync(file!);
    run(dir);
    run(dir);
    const after = statSync(file!);
    // Accepted, so never rewritten.
    expect([after.ino, after.mtimeMs]).toEqual([first.ino, first.mtimeMs]);
    expect(readdirSync(join(dir, 'debug'))).toEqual([]); // nothing ignored, rejected or failed
    expect(soleCounts(dir).get('boot/run')).toBe(3n);
  });

  const damages: Record<string, (file: string) => void> = {
    'garbage of the right name': (file) => writeFileSync(file, 'not a cache at all'),
    // V8 checks its own header only: flipped bytes past it abort the process (V8_Fatal).
    "our header over corrupt data past V8's header": (file) => {
      const bytes = readFileSync(file);
      const data = bytes.indexOf('\n', 20) + 1 + 4; // the first copy, the one V8 would get
      for (let i = data + 2000; i < data + 2200; i++) bytes[i] = bytes[i]! ^ 0xa5;
      writeFileSync(file, bytes);
    },
    'our header over a corrupt V8 header': (file) => {
      const bytes = readFileSync(file);
      const data = bytes.indexOf('\n', 20) + 1 + 4; // the first copy, the one V8 would get
      for (let i = data; i < data + 64; i += 7) bytes[i] = bytes[i]! ^ 0x5a;
      writeFileSync(file, bytes);
    },
    'a truncated file': (file) => writeFileSync(file, readFileSync(file).subarray(0, 1000)),
    'a file others may write': (file) => chmodSync(file, 0o666),
    "another user's file": (file) => chownSync(file, 4321, 4321),
  };
  for (const [what, damage] of Object.entries(damages)) {
    it(`${what}: ignored, counting goes on, and a good cache replaces it`, () => {
      const dir = withDebug();
      run(dir);
      const [file] = cacheFiles(dir);
      damage(file!);
      run(dir);
      expect(debugLines(dir).join('\n')).toMatch(/ignored|rejected by V8/);
      expect(statSync(file!).mode & 0o777).toBe(0o600);
      expect(statSync(file!).uid).toBe(process.getuid!());
      run(dir);
      expect(soleCounts(dir).get('boot/run')).toBe(3n);
    });
  }

  it('a FIFO at its path neither hangs the host nor is read', () => {
    const dir = withDebug();
    run(dir);
    const [file] = cacheFiles(dir);
    spawnSync('rm', [file!]);
    expect(spawnSync('mkfifo', [file!]).status).toBe(0);
    run(dir);
    expect(debugLines(dir).join('\n')).toMatch(/is not a regular file/);
    expect(soleCounts(dir).get('boot/run')).toBe(2n);
  });

  it('is not written when the user turned counting off, nor when the environment did', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mode'), 'off 2026-11-01');
    run(dir);
    run(tempDir(), COUNT, { DO_NOT_TRACK: '1' });
    expect(cacheFiles(dir)).toEqual([]);
  });
});

describe('one engine per process', () => {
  it('a process that loads both entries (ES module and CommonJS) has one count file state', () => {
    const dir = tempDir();
    const cjs = DIST_COUNTER.replace(/\.js$/, '.cjs');
    const code = `const esm = await import(${JSON.stringify(DIST_COUNTER)});
      const cjs = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(cjs)});
      const first = esm.open({ program: 'both', version: '1' });
      const second = cjs.open({ program: 'both', version: '1' });
      esm.inc('both/esm'); cjs.inc('both/cjs');
      console.log(JSON.stringify({ same: first === second, file: first.file }));`;
    for (let i = 0; i < 2; i++) {
      // The engine's own result object, from the compiled engine and then from its cache.
      expect(JSON.parse(run(dir, code).trim()).same).toBe(true);
    }
    const counts = soleCounts(dir);
    expect([counts.get('both/esm'), counts.get('both/cjs')]).toEqual([2n, 2n]);
  });
});

describe('the everyday path', () => {
  it('loads no built-in module that only rare parts need (the question, the upload, hashing)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'upload.token'), ''); // today's: no upload check beyond its stat
    const code = `${COUNT}
      const rare = ['readline', 'child_process', 'crypto', 'zlib', 'worker_threads', 'os'];
      process.on('exit', () => console.log(JSON.stringify(
        rare.filter((id) => process.moduleLoadList.includes('NativeModule ' + id)))));`;
    run(dir);
    const out = run(dir, code).trim().split('\n');
    expect(JSON.parse(out[0]!)).toMatchObject({ mode: 'local', backend: 'addon' });
    expect(JSON.parse(out[1]!)).toEqual([]);
  });

  it("loads the upload's due check and start only when the day's token says work may be due", () => {
    const dir = tempDir();
    const code = `${COUNT}
      const { createRequire } = await import('node:module');
      const cache = createRequire(import.meta.url).cache;
      process.on('exit', () => console.log(JSON.stringify(
        Object.keys(cache).filter((file) => file.endsWith('upload-start.cjs')).length)));`;
    // No token yet: the due check runs (nothing is due in a first week), loaded for it.
    expect(JSON.parse(run(dir, code).trim().split('\n')[1]!)).toBe(1);
    writeFileSync(join(dir, 'upload.token'), ''); // today's: the stat settles it
    expect(JSON.parse(run(dir, code).trim().split('\n')[1]!)).toBe(0);
  });

  it('makes no `require` function: createRequire is called only when something needs it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'upload.token'), '');
    const code = `const nodeModule = process.getBuiltinModule('node:module');
      const made = []; const real = nodeModule.createRequire;
      nodeModule.createRequire = (from) => { made.push(String(from)); return real(from); };
      ${COUNT}
      process.on('exit', () => console.log(JSON.stringify(made)));`;
    run(dir);
    const out = run(dir, code).trim().split('\n');
    expect(JSON.parse(out[0]!)).toMatchObject({ mode: 'local', backend: 'addon' });
    expect(JSON.parse(out[1]!)).toEqual([]);
    expect(soleCounts(dir).get('boot/run')).toBe(2n);
  });
});

describe('a process that ends within its first turn', () => {
  // An ES module's loading turns the loop once (Node 20): the timer waits for a second turn.
  it('an ES module tool that ends once its module ran creates no timer', () => {
    const dir = tempDir();
    const code = `const hooks = await import('node:async_hooks'); const made = [];
      hooks.createHook({ init(id, type) { if (type === 'Timeout') made.push(type); } }).enable();
      ${COUNT}
      process.on('exit', () => console.log(JSON.stringify(made)));`;
    const out = run(dir, code).trim().split('\n');
    expect(JSON.parse(out[0]!)).toMatchObject({ mode: 'local', backend: 'addon' });
    expect(JSON.parse(out[1]!)).toEqual([]);
    expect(soleCounts(dir).get('boot/run')).toBe(1n);
  });

  // A CommonJS tool whose output waits for exit: an ES module's loading (Node 20) or a write to
  // a pipe keeps the loop turning once more, and then the timer is armed (the next test).
  it('creates no timer at all: the rotation timer waits until the process lives on', () => {
    const dir = tempDir();
    const code = `const made = [];
      const hook = { init(id, type) { if (type === 'Timeout') made.push(type); } };
      require('node:async_hooks').createHook(hook).enable();
      const { open, inc } = require(${JSON.stringify(DIST_COUNTER.replace(/\.js$/, '.cjs'))});
      const r = open({ program: 'boot', version: '1' }); inc('boot/run');
      const lines = () => JSON.stringify(r) + '\\n' + JSON.stringify(made) + '\\n';
      process.on('exit', () => process.stdout.write(lines()));`;
    const out = run(dir, code, {}, false).trim().split('\n');
    expect(JSON.parse(out[0]!)).toMatchObject({ mode: 'local', backend: 'addon' });
    expect(JSON.parse(out[1]!)).toEqual([]);
    expect(soleCounts(dir).get('boot/run')).toBe(1n);
  });

  it('a process that lives on arms it in its second turn', () => {
    const dir = tempDir();
    const code = `const hooks = await import('node:async_hooks'); const made = [];
      hooks.createHook({ init(id, type) { if (type === 'Timeout') made.push(type); } }).enable();
      ${COUNT}
      await new Promise((done) => setImmediate(done));
      await new Promise((done) => setImmediate(done));
      console.log(JSON.stringify(made));`;
    const out = run(dir, code).trim().split('\n');
    expect(JSON.parse(out[1]!)).toEqual(['Timeout']);
  });
});
