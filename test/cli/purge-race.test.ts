// `telemetry off --purge` against a tool starting at the same moment, provoked on purpose. The
// purge writes the mode, then lists and deletes count files; a tool that read the mode just
// before the write could create its file just after the listing, and that file outlived the
// purge. Here the tool is held (the engine's test hook, test/fixtures/count.mjs
// holdBeforeCreate) between its decision and its file's creation while the whole purge runs:
// the losing interleaving every time. test/stress/purge-race.stress.test.ts (npm run stress)
// still races real tools against the purge at random.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, countFiles, runFixture, tempDir } from '../helpers.js';
import { exitOf, untilFile } from '../wait.js';

const CLI = join(ROOT, 'dist', 'cmd', 'telemetry.js');
const env = { ...cleanEnv(), TT_DIST_COUNTER: DIST_COUNTER };
const host = (dir: string) => ({ dir, program: 'race', version: '1.0.0', after: [['race/a', 1]] });

/** Starts a tool that stops just before creating its count file; resolves once it is there. */
async function heldTool(
  dir: string,
): Promise<{ release: () => void; exit: ReturnType<typeof exitOf> }> {
  const signals = tempDir('tt-purge-signals-');
  const ready = join(signals, 'ready');
  const release = join(signals, 'release');
  const spec = { ...host(dir), holdBeforeCreate: { ready, release } };
  const child = spawn(
    process.execPath,
    [join(ROOT, 'test', 'fixtures', 'count.mjs'), JSON.stringify(spec)],
    { env, cwd: ROOT },
  );
  const exit = exitOf(child);
  await Promise.race([
    untilFile(ready),
    exit.then((exit) => Promise.reject(new Error(`the tool exited early: ${exit.output}`))),
  ]);
  return { release: () => writeFileSync(release, ''), exit };
}

async function purge(dir: string): Promise<void> {
  const r = await exitOf(
    spawn(process.execPath, [CLI, 'off', '--purge', '--dir', dir], { env, cwd: ROOT }),
  );
  expect(r.status, r.output).toBe(0);
}

describe('telemetry off --purge while a tool starts', () => {
  it('a tool that decided "on" before the purge removes the file it creates after it', async () => {
    const dir = tempDir('tt-purge-');
    const tool = await heldTool(dir);
    await purge(dir); // the whole purge runs between the tool's decision and its file
    tool.release();
    const r = await tool.exit;
    expect(r.status, r.output).toBe(0);
    expect(JSON.parse(r.output.split('\n')[0]!)).toMatchObject({ mode: 'off', file: null });
    expect(countFiles(dir)).toEqual([]);
  });

  it('the same when an earlier tool made the file: the purge deletes that one', async () => {
    const dir = tempDir('tt-purge-');
    expect(runFixture('count.mjs', host(dir), env).status).toBe(0);
    expect(countFiles(dir)).toHaveLength(1);
    const tool = await heldTool(dir);
    await purge(dir);
    tool.release();
    expect((await tool.exit).status).toBe(0);
    expect(countFiles(dir)).toEqual([]);
  });

  it('a tool released before the purge counts until the purge deletes its file', async () => {
    const dir = tempDir('tt-purge-');
    const tool = await heldTool(dir);
    tool.release();
    const r = await tool.exit;
    expect(JSON.parse(r.output.split('\n')[0]!)).toMatchObject({ file: expect.any(String) });
    expect(countFiles(dir)).toHaveLength(1);
    await purge(dir);
    expect(countFiles(dir)).toEqual([]);
  });
});
