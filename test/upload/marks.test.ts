// `telemetry view`'s marks, from disk only: a program in mode on with a collector gets the
// counters its last verified config lists and what its sent reports held; others get none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectViewData } from '../../cmd/telemetry/view-server.js';
import { layout } from '../../counter/settings/index.js';
import { runUpload } from '../../upload/index.js';
import { cleanEnv, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startCollector('m');
  c.publish(
    configFor(['tool', 'quiet'], {
      counters: [
        { Name: 'tool/known', Rate: 1 },
        { Name: 'tool/rare', Rate: 0.5 },
      ],
    }),
  );
});
afterAll(() => c.close());

describe('view marks', () => {
  it('marks listed and sent counters of on programs only', async () => {
    const root = tempDir('tt-marks-');
    setMode(root, 'tool', 'on', '2026-11-01');
    setMode(root, 'quiet', 'local', '2026-11-01');
    declare(root, 'tool', { url: c.url, key: c.key });
    declare(root, 'quiet', { url: c.url, key: c.key });
    writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool/known': 1, 'tool/other': 2 },
    });
    writeCountFile(root, {
      program: 'quiet',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool/known': 1 },
    });
    const env = cleanEnv();
    const before = collectViewData({ dirs: layout(root), env, cwd: root });
    expect(before.programs.find((program) => program.program === 'tool')!.upload).toEqual({
      collector: c.url,
      config: null,
      listed: {},
      sent: {},
    });
    await runUpload({ dir: root, now: new Date('2026-11-20T09:00:00Z'), env });
    const after = collectViewData({ dirs: layout(root), env, cwd: root });
    const tool = after.programs.find((program) => program.program === 'tool')!;
    expect(tool.upload).toEqual({
      collector: c.url,
      config: 'v0',
      listed: { 'tool/known': 1, 'tool/rare': 0.5 },
      sent: { '2026-11-17': ['tool/known'] },
    });
    expect(after.programs.find((program) => program.program === 'quiet')!.upload).toBeNull();
  });
});
