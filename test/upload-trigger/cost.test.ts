// The trigger costs a tool nothing it does not use: node:child_process (46 internal modules,
// ~4 ms) loads only when a run starts, never with the engine or at an everyday open().
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv } from '../helpers.js';
import { makeDue, telemetryDir } from './harness.js';

/** Opens in a fresh process and reports, at exit, whether node:child_process was ever loaded. */
function childProcessLoaded(dir: string): boolean {
  const code = `
    const { open } = await import(${JSON.stringify(DIST_COUNTER)});
    open({ program: 'cost-tool', version: '1.0.0' });
    process.on('exit', () => process.stdout.write(String(process.moduleLoadList.some((m) => m === 'NativeModule child_process'))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: cleanEnv({ HOME: dir, TRANSPARENT_TELEMETRY_DIR: dir }),
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return r.stdout === 'true';
}

describe('what the trigger loads', () => {
  it('not node:child_process when the day’s token is taken, and it does when a run starts', () => {
    const dir = telemetryDir();
    makeDue(dir);
    writeFileSync(join(dir, 'upload.token'), '');
    expect(childProcessLoaded(dir)).toBe(false);
    const fresh = telemetryDir();
    makeDue(fresh);
    expect(childProcessLoaded(fresh)).toBe(true);
  });
});
