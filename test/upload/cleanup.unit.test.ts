// Bounded local data: what is older than 8 weeks goes, empty finished count files go, stale
// locks and old temporary files go; what cannot be read, active files and waiting reports stay.
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { collectorPaths, encodeReport, localReportPath, runUpload } from '../../upload/index.js';
import { cleanEnv, tempDir } from '../helpers.js';
import { setMode, writeCountFile } from './fixture.js';

const report = (week: string): string =>
  encodeReport({ Week: week, LastWeek: '', X: 0.5, Programs: [], Config: 'v0' });

describe('cleanup', () => {
  it('removes old and empty data, keeps the unreadable, the active and the waiting', async () => {
    const root = tempDir('tt-clean-');
    const dirs = layout(root);
    setMode(root, 'tool', 'local', '2026-01-01');
    const old = writeCountFile(root, {
      program: 'tool',
      begin: '2026-09-10',
      end: '2026-09-17',
      counts: { 'tool/a': 1 },
    });
    const recent = writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-03',
      end: '2026-11-10',
      counts: { 'tool/a': 1 },
    });
    const empty = writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: {},
    });
    const active = writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-19',
      end: '2026-11-26',
      counts: {},
    });
    const garbage = join(root, 'local', 'junk.v1.count');
    writeFileSync(garbage, 'not a count file');
    const oldLocal = localReportPath(dirs, '2026-09-01');
    writeFileSync(oldLocal, report('2026-09-01'));
    const badOldLocal = localReportPath(dirs, '2026-09-08');
    writeFileSync(badOldLocal, '{ unreadable');
    const p = collectorPaths(dirs, '0123456789abcdef');
    mkdirSync(p.sentDir, { recursive: true });
    writeFileSync(p.sent('2026-09-01'), report('2026-09-01'));
    writeFileSync(p.sent('2026-11-10'), report('2026-11-10'));
    writeFileSync(p.pending('2026-09-08'), report('2026-09-08')); // waiting: never removed by cleanup
    writeFileSync(
      p.lock('2026-11-10'),
      JSON.stringify({ pid: 2 ** 22 + 1, start: '', nonce: 'n', time: 0 }),
    ); // no such process
    const longAgo = new Date('2026-09-20');
    for (const f of [oldLocal, badOldLocal, p.sent('2026-09-01')]) utimesSync(f, longAgo, longAgo);
    const tmp = join(p.dir, '2026-11-10.json.123.abcd.tmp');
    writeFileSync(tmp, 'half');
    utimesSync(tmp, new Date('2026-11-01'), new Date('2026-11-01'));
    const s = await runUpload({
      dir: root,
      now: new Date('2026-11-20T09:00:00Z'),
      env: cleanEnv(),
    });
    expect(s.errors).toEqual([]);
    for (const gone of [old, empty, oldLocal, p.sent('2026-09-01'), p.lock('2026-11-10'), tmp])
      expect([gone, existsSync(gone)]).toEqual([gone, false]);
    for (const kept of [recent, active, garbage, badOldLocal, p.sent('2026-11-10')])
      expect([kept, existsSync(kept)]).toEqual([kept, true]);
    expect(s.unreadable.join('\n')).toContain(badOldLocal);
    // The old waiting report is not sent (no program names this collector), and not deleted: it moves to dropped/ for the user to see.
    expect(existsSync(p.pending('2026-09-08'))).toBe(false);
    expect(existsSync(p.refused('2026-09-08'))).toBe(true);
    expect(s.dropped).toMatchObject([{ week: '2026-09-08', code: 'too-old' }]);
  });
});
