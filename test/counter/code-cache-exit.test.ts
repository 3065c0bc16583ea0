// The engine's V8 code cache is written at the exit of the first process that counted into a
// file (docs/startup.md), so that it also holds what the first increments compiled: not while
// the process runs, and not by a process that never reaches its exit.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'cache'));
  } catch {
    return [];
  }
}

/** A tool that counts, then reports the cache folder as its code sees it, then `ending`. */
function run(dir: string, ending: string): { status: number | null; stdout: string } {
  const code = `const { open, inc } = await import(${JSON.stringify(DIST_COUNTER)});
    const { readdirSync } = await import('node:fs');
    open({ program: 'cache-exit', version: '1' }); inc('cache-exit/run');
    let seen = [];
    try { seen = readdirSync(${JSON.stringify(join(dir, 'cache'))}); } catch {}
    console.log(JSON.stringify(seen));
    ${ending}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: dir }),
    encoding: 'utf8',
    timeout: 30_000,
    cwd: ROOT,
  });
  return { status: r.status, stdout: r.stdout };
}

describe("the engine's code cache is written at exit", () => {
  it('not while the first process runs, but once it has exited', () => {
    const dir = tempDir();
    const first = run(dir, '');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([]);
    expect(cacheFiles(dir)).toHaveLength(1);
    // The next process finds it while it runs.
    const second = run(dir, '');
    expect(JSON.parse(second.stdout)).toHaveLength(1);
    expect(soleCounts(dir).get('cache-exit/run')).toBe(2n);
  });

  it('not by a process killed before its exit: the next one writes it', () => {
    const dir = tempDir();
    const killed = run(dir, "process.kill(process.pid, 'SIGKILL');");
    expect(killed.status).toBe(null);
    expect(cacheFiles(dir)).toEqual([]);
    expect(run(dir, '').status).toBe(0);
    expect(cacheFiles(dir)).toHaveLength(1);
    // The killed process's count landed all the same: it was in the mapped file.
    expect(soleCounts(dir).get('cache-exit/run')).toBe(2n);
  });
});
