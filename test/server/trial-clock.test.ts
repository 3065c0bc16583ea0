// A vendor's trial in minutes (server/README.md, "Trying it without waiting a week"): `serve
// --now` runs intake on the same pinned day as a client's TRANSPARENT_TELEMETRY_NOW, so a week
// that ends in the future of the real clock is accepted, stored under that day, and `merge
// --now` publishes it. The built server as a real process, HTTP on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { BIN, day, makeLog, report, serve, upload } from './serve-helpers.js';

const merge = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'merge', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    timeout: 60_000,
  });

describe('serve --now (a trial clock)', () => {
  it('accepts a week that ends in the real future, and merge --now publishes it', async () => {
    const log = makeLog();
    const week = day(7);
    const real = await serve(['--log', log, '--data', tempDir('tt-trial-real-')]);
    try {
      expect((await upload(real.url, week, report(week, '0.5'))).json).toMatchObject({
        code: 'future',
      });
    } finally {
      await real.stop();
    }
    const data = tempDir('tt-trial-');
    const trial = await serve(['--log', log, '--data', data, '--now', day(8)]);
    try {
      const r = await upload(trial.url, week, report(week, '0.5'));
      expect([r.status, r.json]).toEqual([200, { status: 'stored' }]);
    } finally {
      expect(await trial.stop()).toBe(0);
    }
    const merged = merge('--data', data, '--publish', 'raw', '--now', day(9));
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`  ${day(8)}: 1 reports`);
  });

  it('refuses a --now that is not a date', async () => {
    await expect(
      serve(['--log', makeLog(), '--data', tempDir('tt-trial-bad-'), '--now', '2026-02-30']),
    ).rejects.toThrow(/--now: "2026-02-30" is not a YYYY-MM-DD date/);
  });
});
