// Count files written by our counter in real processes are read by Go's own parser
// (`gotelemetry dump` from the x/telemetry version pinned in test/go/go.mod) exactly as by ours.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import { DIST_COUNTER, ROOT, cleanEnv, runFixture, tempDir } from '../helpers.js';
import { openBarrier } from '../wait.js';
import { type GoTools, goTools, goRead, skipGo } from './go.js';

/** Go's reading of each file equals ours; returns our reading of the single file under dir. */
function sameAsGo(tools: GoTools, files: string[]) {
  const go = goRead(tools, files);
  const ours = files.map((file) => {
    const r = readCountFile(file);
    if ('error' in r) throw new Error(r.error);
    expect(r.meta, file).toEqual(go.get(file)!.meta);
    expect(r.counts, file).toEqual(go.get(file)!.counts);
    return r;
  });
  return ours;
}

function count(spec: object): string[] {
  const dir = tempDir();
  const r = runFixture('count.mjs', { dir, ...spec }, cleanEnv());
  expect(r.status, r.stderr).toBe(0);
  return listCountFiles(join(dir, 'local'));
}

function stress(spec: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [join(ROOT, 'test/fixtures/stress.mjs'), JSON.stringify(spec)],
      {
        env: cleanEnv({ TT_DIST_COUNTER: DIST_COUNTER }),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    p.stderr.on('data', (chunk) => (err += chunk));
    p.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`stress.mjs exited ${code}: ${err}`)),
    );
  });
}

describe.skipIf(skipGo)('files written by our counter, read by Go’s own parser', () => {
  let tools: GoTools;
  beforeAll(() => {
    tools = goTools();
  }, 600_000);

  it('a tool’s file: stack counter (names decoded), UTF-8 and bucket names, 64-bit values, two pages', () => {
    const files = count({
      program: 'demo-tool',
      version: '1.4.0',
      before: [['demo/preopen', 3]],
      after: [
        ['demo/plain', 1],
        ['demo/bucket:1-10', 7],
        ['demo/utf8:héllo-wörld-日本語-🚀', 2],
      ],
      afterBig: [
        ['demo/above53', '9007199254740993'],
        ['demo/max', '18446744073709551615'],
      ],
      many: { prefix: 'demo/many/', count: 700 },
      stack: { name: 'demo/stack', calls: 3 },
    });
    expect(files).toHaveLength(1);
    const [ours] = sameAsGo(tools, files);
    expect(ours!.meta).toMatchObject({ Program: 'demo-tool', Version: '1.4.0' });
    expect(ours!.counts.get('demo/above53')).toBe(9007199254740993n);
    expect(ours!.counts.get('demo/max')).toBe(18446744073709551615n);
    expect(ours!.counts.get('demo/utf8:héllo-wörld-日本語-🚀')).toBe(2n);
    const stacks = [...ours!.counts].filter(([key]) => key.startsWith('demo/stack\n'));
    expect(stacks).toHaveLength(1);
    expect(stacks[0]![1]).toBe(3n);
    expect(stacks[0]![0].split('\n').length).toBeGreaterThan(2); // decoded: every frame named, no ditto marks
    expect(stacks[0]![0]).not.toContain('"');
    expect(ours!.counts.size).toBe(6 + 700 + 1);
  });

  it('a file with crash stacks, written by a process that died of an uncaught exception', () => {
    const dir = tempDir();
    for (const how of ['throw', 'reject', 'reject-string']) {
      const r = runFixture('crash.mjs', { program: 'cr', dir, crashes: true, how }, cleanEnv());
      expect(r.status, r.stderr).toBe(1);
    }
    const files = listCountFiles(join(dir, 'local'));
    expect(files).toHaveLength(1);
    const [ours] = sameAsGo(tools, files);
    const names = [...ours!.counts.keys()].sort();
    expect(names).toEqual([
      'cr/crash\n<no-stack>',
      'cr/crash\ntransparent-telemetry/test/fixtures/crash.Timeout.explode:+1',
      'cr/crash\ntransparent-telemetry/test/fixtures/crash.rejectLater:+2',
      'cr/crash:exception\ntransparent-telemetry/test/fixtures/crash.Timeout.explode:+1',
      'cr/crash:rejection\n<no-stack>',
      'cr/crash:rejection\ntransparent-telemetry/test/fixtures/crash.rejectLater:+2',
    ]);
  });

  it('a scoped program’s file, and the golden file', () => {
    const files = count({
      program: '@acme/my-cli',
      version: '2.0.0-rc.1',
      after: [['acme/run', 5]],
    });
    expect(files).toHaveLength(1);
    expect(files[0]).toContain('%40acme%2Fmy-cli@2.0.0-rc.1-');
    const golden = join(
      ROOT,
      'testdata',
      'golden',
      'known@1.2.3-node20.20.2-linux-x64-2026-11-23.v1.count',
    );
    const [scoped, known] = sameAsGo(tools, [files[0]!, golden]);
    expect(scoped!.meta.Program).toBe('@acme/my-cli');
    expect(scoped!.counts).toEqual(new Map([['acme/run', 5n]]));
    expect(known!.counts.size).toBe(707);
  });

  it('a file written by 4 racing processes', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'weekends'), '3\n');
    const barrier = join(dir, 'go');
    const procs = [0, 1, 2, 3].map((worker) =>
      stress({
        id: worker,
        dir,
        barrier,
        increments: 100_000,
        shared: 100,
        own: 1500,
        late: worker % 2 ? 20 * worker : 0,
      }),
    );
    await openBarrier(barrier, 4);
    await Promise.all(procs);
    const files = listCountFiles(join(dir, 'local'));
    expect(files).toHaveLength(1);
    const [ours] = sameAsGo(tools, files);
    expect(ours!.counts.size).toBe(100 + 4 * 1500);
    expect(ours!.counts.get('stress/shared/0')).toBe(4000n);
  }, 120_000);
});
