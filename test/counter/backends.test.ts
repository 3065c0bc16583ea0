import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  DIST_COUNTER,
  ROOT,
  cleanEnv,
  countFiles,
  runFixture,
  soleCounts,
  tempDir,
} from '../helpers.js';

const spec = (dir: string) => ({
  dir,
  program: 'be',
  version: '1.0.0',
  before: [['be/pre', 2]],
  after: [['be/post', 3]],
  many: { prefix: 'be/m/', count: 2000 },
});

describe('mapping backends', () => {
  it('the checkout counts through the backend users get: the addon, chosen by itself', () => {
    const dir = tempDir();
    const r = runFixture('count.mjs', spec(dir), cleanEnv());
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'addon', mode: 'local' });
    expect(soleCounts(dir).get('be/post')).toBe(3n);
  });

  it.runIf(process.platform === 'linux')(
    'with the addon, koffi is never loaded: it costs a start nothing',
    () => {
      const dir = tempDir();
      const code = `const { open, inc } = await import(${JSON.stringify(DIST_COUNTER)});
      const r = open({ dir: ${JSON.stringify(dir)}, program: 'lean', version: '1' }); inc('lean/x');
      const maps = (await import('node:fs')).readFileSync('/proc/self/maps', 'utf8');
      console.log(JSON.stringify({ backend: r.backend, addon: maps.includes('tt_mmap.node'),
        koffi: maps.includes('koffi'), mmapIo: maps.includes('mmap-io') }));`;
      const options = { env: cleanEnv(), encoding: 'utf8', timeout: 20_000, cwd: ROOT } as const;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], options);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        backend: 'addon',
        addon: true,
        koffi: false,
        mmapIo: false,
      });
    },
  );

  for (const backend of ['addon', 'koffi', 'mmap-io']) {
    it(`${backend}: counts land in the shared file, growth included`, () => {
      const dir = tempDir();
      for (let i = 0; i < 2; i++) {
        const r = runFixture(
          'count.mjs',
          spec(dir),
          cleanEnv({ TRANSPARENT_TELEMETRY_BACKEND: backend }),
        );
        expect(r.status, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ backend, mode: 'local' });
      }
      const counts = soleCounts(dir);
      expect(counts.get('be/pre')).toBe(4n);
      expect(counts.get('be/post')).toBe(6n);
      expect(counts.get('be/m/1999')).toBe(2n);
    });
  }

  it('processes on either backend add to the same file', () => {
    const dir = tempDir();
    for (const backend of ['addon', 'koffi', 'mmap-io', 'addon']) {
      const r = runFixture(
        'count.mjs',
        spec(dir),
        cleanEnv({ TRANSPARENT_TELEMETRY_BACKEND: backend }),
      );
      expect(r.status, r.stderr).toBe(0);
    }
    expect(soleCounts(dir).get('be/post')).toBe(12n);
  });

  it('without any backend the host runs on and counts in memory', () => {
    const dir = tempDir();
    const r = runFixture(
      'count.mjs',
      spec(dir),
      cleanEnv({ TRANSPARENT_TELEMETRY_BACKEND: 'none' }),
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const res = JSON.parse(r.stdout);
    expect(res.file).toBeNull();
    expect(res.reason).toMatch(/no memory-mapping backend/);
    expect(countFiles(dir)).toEqual([]);
  });

  it('counts from worker threads into the same file: the addon loads in both threads', () => {
    const dir = tempDir();
    const r = runFixture('worker.mjs', { dir });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.main.backend).toBe('addon');
    expect(out.worker.backend).toBe('addon');
    const counts = soleCounts(dir);
    expect(counts.get('threads/main')).toBe(1000n);
    expect(counts.get('threads/worker')).toBe(1000n);
  });
});

describe('the host process', () => {
  it('exits on its own right after counting: no timer or handle keeps it alive', () => {
    const dir = tempDir();
    // The rotation timer is armed for days ahead; if it were not unref'd this would hang until the timeout.
    const code = `const { open, Counter } = await import(${JSON.stringify(DIST_COUNTER)});
      open({ dir: ${JSON.stringify(dir)}, program: 'exit', version: '1' });
      for (let i = 0; i < 3000; i++) new Counter('exit/' + i).inc();
      setTimeout(() => { const busy = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
        console.log(JSON.stringify(busy)); }, 0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 20_000,
      cwd: ROOT,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).not.toContain('FSReqCallback');
    expect(soleCounts(dir).get('exit/2999')).toBe(1n); // the exit step placed what growth had delayed
  });

  it('keeps its own uncaught errors and exit code', () => {
    const dir = tempDir();
    const code = `const { open, inc } = await import(${JSON.stringify(DIST_COUNTER)});
      open({ dir: ${JSON.stringify(dir)}, program: 'exit', version: '1' }); inc('exit/x'); process.exitCode = 7;`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(7);
    expect(soleCounts(dir).get('exit/x')).toBe(1n);
  });
});
