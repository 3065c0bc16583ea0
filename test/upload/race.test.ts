// Exactly once under races: 10 processes start uploads at once over 3 weeks and 2 collectors;
// an uploader killed while holding a week's lock does not block the next run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { collectorId, collectorPaths, decodeReport, runUpload } from '../../upload/index.js';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'upload-run.mjs');
const env = cleanEnv({ TT_DIST_UPLOAD: join(ROOT, 'dist', 'upload', 'index.js') });

let a: TestCollector;
let b: TestCollector;
beforeAll(async () => {
  a = await startCollector('a', 1);
  b = await startCollector('b', 2);
  a.publish(configFor(['tool-a']));
  b.publish(configFor(['tool-b']));
});
afterAll(async () => {
  await a.close();
  await b.close();
});

function run(args: object): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(args)], {
    env: { ...env, TRANSPARENT_TELEMETRY_DIR: (args as { dir?: string }).dir ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  return { child, done };
}

const WEEKS = [
  ['2026-10-27', '2026-11-03'],
  ['2026-11-03', '2026-11-10'],
  ['2026-11-10', '2026-11-17'],
] as const;
const NOW = '2026-11-20T09:00:00Z';

describe('races', () => {
  it('10 processes, 3 weeks, 2 collectors: exactly one POST per (collector, week), counts equal the increments', async () => {
    const root = tempDir('tt-race-');
    const made = new Map<string, number>();
    for (const [prog, c] of [
      ['tool-a', a],
      ['tool-b', b],
    ] as const) {
      setMode(root, prog, 'on', '2026-10-01');
      declare(root, prog, { url: c.url, key: c.key });
      WEEKS.forEach(([begin, end], i) => {
        // Two files per week (two runtimes), so the report also sums across files.
        for (const [runtime, n] of [
          ['node20.20.2', 10 + i],
          ['node22.11.0', 100 * (i + 1)],
        ] as const) {
          writeCountFile(root, {
            program: prog,
            runtime,
            begin,
            end,
            counts: { [`${prog}/known`]: n },
          });
          made.set(`${prog} ${end}`, (made.get(`${prog} ${end}`) ?? 0) + n);
        }
      });
    }
    const runs = Array.from({ length: 10 }, () => run({ dir: root, now: NOW }));
    const outs = await Promise.all(runs.map((run) => run.done));
    for (const o of outs) expect(JSON.parse(o).errors).toEqual([]);
    for (const [prog, c] of [
      ['tool-a', a],
      ['tool-b', b],
    ] as const) {
      expect(c.posts.map((post) => post.week).sort()).toEqual(WEEKS.map(([, end]) => end));
      for (const p of c.posts) {
        const r = decodeReport(p.body.toString());
        expect(r.Programs!.every((x) => x.Program === prog)).toBe(true); // never the other vendor's data
        const got = r.Programs!.reduce(
          (sum, x) => sum + Number(x.Counters[`${prog}/known`] ?? 0),
          0,
        );
        expect(got).toBe(made.get(`${prog} ${p.week}`));
      }
    }
    // Each collector's report of a week draws its own X: two vendors cannot join their reports on it.
    const xs = (collector: typeof a) =>
      new Map(collector.posts.map((post) => [post.week, decodeReport(post.body.toString()).X]));
    const [xa, xb] = [xs(a), xs(b)];
    for (const [, end] of WEEKS) expect(xa.get(end)).not.toBe(xb.get(end));
  }, 120_000);

  it('an uploader killed while holding a lock does not block the next run', async () => {
    a.posts.length = 0;
    const root = tempDir('tt-race-');
    setMode(root, 'tool-a', 'on', '2026-10-01');
    declare(root, 'tool-a', { url: a.url, key: a.key });
    writeCountFile(root, {
      program: 'tool-a',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool-a/known': 1 },
    });
    const p = collectorPaths(layout(root), collectorId({ url: a.url, key: a.key }));
    const holder = run({ dir: root, lock: p.lock('2026-11-17') });
    await new Promise<void>((resolve) => holder.child.stdout!.once('data', () => resolve()));
    // While the holder lives, a run leaves the week alone.
    const blocked = await runUpload({ dir: root, now: new Date(NOW), env });
    expect(blocked.waiting).toMatchObject([
      { week: '2026-11-17', reason: 'another upload run holds its lock' },
    ]);
    expect(a.posts).toEqual([]);
    holder.child.kill('SIGKILL');
    await holder.done;
    expect(existsSync(p.lock('2026-11-17'))).toBe(true);
    const s = await runUpload({ dir: root, now: new Date(NOW), env });
    expect(s.sent).toMatchObject([{ week: '2026-11-17' }]);
    expect(a.posts).toHaveLength(1);
    expect(existsSync(p.lock('2026-11-17'))).toBe(false);
  }, 60_000);

  it('a lock whose pid now belongs to another process (another start time) is broken', async () => {
    a.posts.length = 0;
    const root = tempDir('tt-race-');
    setMode(root, 'tool-a', 'on', '2026-10-01');
    declare(root, 'tool-a', { url: a.url, key: a.key });
    writeCountFile(root, {
      program: 'tool-a',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool-a/known': 1 },
    });
    const p = collectorPaths(layout(root), collectorId({ url: a.url, key: a.key }));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(p.dir, { recursive: true });
    // Our own pid, alive, but a start time it never had: the holder that wrote this is gone.
    writeFileSync(
      p.lock('2026-11-17'),
      JSON.stringify({ pid: process.pid, start: '1', nonce: 'x', time: 0 }),
    );
    const s = await runUpload({ dir: root, now: new Date(NOW), env });
    expect(s.sent).toMatchObject([{ week: '2026-11-17' }]);
  });
});
