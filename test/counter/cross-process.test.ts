import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, countFiles, readOnly, tempDir } from '../helpers.js';
import { openBarrier } from '../wait.js';

/** One stress process; `backend` forces a mapping backend, else the toolkit picks its own. */
function run(
  spec: object,
  backend?: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      [join(ROOT, 'test/fixtures/stress.mjs'), JSON.stringify(spec)],
      {
        env: cleanEnv({ TT_DIST_COUNTER: DIST_COUNTER, TRANSPARENT_TELEMETRY_BACKEND: backend }),
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (chunk) => (out += chunk));
    p.stderr.on('data', (chunk) => (err += chunk));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('many processes sharing one count file', () => {
  it('4 processes x 1,000,000 increments on 200 shared counters, each adding 2,000 of its own: every total exact', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'weekends'), '3\n'); // as Go's test: no race on creating it
    const barrier = join(dir, 'go');
    const procs = [0, 1, 2, 3].map((worker) =>
      run({ id: worker, dir, barrier, increments: 1_000_000, shared: 200, own: 2000 }),
    );
    await openBarrier(barrier, 4);
    const results = await Promise.all(procs);
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
    for (const r of results) expect(JSON.parse(r.out)).toMatchObject({ backend: 'addon' });
    const files = countFiles(dir);
    expect(files).toHaveLength(1);
    const counts = readOnly(files[0]!).counts; // the parser also rejects any name linked twice
    expect(counts.size).toBe(200 + 4 * 2000);
    for (let i = 0; i < 200; i++) expect(counts.get(`stress/shared/${i}`)).toBe(20_000n);
    for (let id = 0; id < 4; id++)
      for (let j = 0; j < 2000; j++) expect(counts.get(`stress/own/${id}/${j}`)).toBe(1n);
    const total = [...counts.values()].reduce((sum, value) => sum + value, 0n);
    expect(total).toBe(4_000_000n + 8000n);
  }, 120_000);

  it('6 processes, half opening while the others grow the file, race to create 5,000 names each: none lost, none twice', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'weekends'), '3\n');
    const barrier = join(dir, 'go');
    const procs = [0, 1, 2, 3, 4, 5].map((worker) =>
      run({
        id: worker,
        dir,
        barrier,
        increments: 300_000,
        shared: 300,
        own: 5000,
        late: worker % 2 ? 20 * worker : 0,
      }),
    );
    await openBarrier(barrier, 6);
    const results = await Promise.all(procs);
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
    const counts = readOnly(countFiles(dir)[0]!).counts;
    expect(counts.size).toBe(300 + 6 * 5000);
    for (let i = 0; i < 300; i++) expect(counts.get(`stress/shared/${i}`)).toBe(6000n);
    for (let id = 0; id < 6; id++)
      for (let j = 0; j < 5000; j++) expect(counts.get(`stress/own/${id}/${j}`)).toBe(1n);
  }, 120_000);

  // Each backend on its own, then all three at once: the addon's external ArrayBuffer, koffi's
  // view and mmap-io's Buffer are all views of the same shared pages.
  const mixes: Record<string, string[]> = {
    koffi: ['koffi', 'koffi'],
    'mmap-io': ['mmap-io', 'mmap-io'],
    'every backend at once': ['addon', 'koffi', 'mmap-io'],
  };
  for (const [title, backends] of Object.entries(mixes)) {
    it(`${title}: ${backends.length} processes x 500,000 increments on 100 shared counters, every total exact`, async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'local'));
      writeFileSync(join(dir, 'local', 'weekends'), '3\n');
      const barrier = join(dir, 'go');
      const procs = backends.map((backend, worker) =>
        run({ id: worker, dir, barrier, increments: 500_000, shared: 100, own: 1000 }, backend),
      );
      await openBarrier(barrier, backends.length);
      const results = await Promise.all(procs);
      for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
      expect(results.map((result) => JSON.parse(result.out).backend)).toEqual(backends);
      const counts = readOnly(countFiles(dir)[0]!).counts;
      expect(counts.size).toBe(100 + backends.length * 1000);
      for (let i = 0; i < 100; i++)
        expect(counts.get(`stress/shared/${i}`)).toBe(BigInt(backends.length * 5000));
      for (let id = 0; id < backends.length; id++)
        for (let j = 0; j < 1000; j++) expect(counts.get(`stress/own/${id}/${j}`)).toBe(1n);
    }, 120_000);
  }
});
