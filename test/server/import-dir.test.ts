// `telemetry-server import-dir`: a data directory of the old segment store (days/<day>/ with
// segments, merged.json and keys files) moves into SQLite with one command: every report once,
// as its canonical bytes, merged days stay merged, kept keys still answer a replay; then serve
// starts on it. The built bin as a real process.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { run } from './bin.js';
import { day, makeLog, program, report, serve, upload } from './serve-helpers.js';

const week = day(-3);
const line = (x: string, body: string | null, hash = 'ab'.repeat(32)): string =>
  `${JSON.stringify(body === null ? { week, x, hash } : { week, x, hash, body })}\n`;

describe('import-dir', () => {
  it('moves the old layout into SQLite once; serve then starts on it', async () => {
    const data = tempDir('tt-import-');
    const [merged, open] = [day(-2), day(-1)];
    mkdirSync(join(data, 'days', merged), { recursive: true });
    mkdirSync(join(data, 'days', open), { recursive: true });
    const sent = report(week, '0.5').replace('{', '{\n\n  '); // as received: padded
    writeFileSync(join(data, 'days', merged, '1764979200000-1-0.ndjson'), line('0.5', sent));
    const mergedList = '{"segments":["1764979200000-1-0.ndjson"]}';
    writeFileSync(join(data, 'days', merged, 'merged.json'), mergedList);
    writeFileSync(join(data, 'days', merged, 'keys-1764979200000-1-1.ndjson'), line('0.25', null));
    const segment = join(data, 'days', open, '1765065600000-1-0.ndjson');
    const other = report(week, '0.750', [program({ Counters: { 'demo-tool/invocations': 9 } })]);
    // The last line torn, as a crash mid-append left it.
    writeFileSync(segment, line('0.750', other) + line('0.5', sent) + '{"week":"2026-1');
    writeFileSync(join(data, 'LOCK'), '1\n'); // pid 1 is alive: a running server
    const locked = run('import-dir', '--data', data);
    expect(locked.status).toBe(1);
    expect(locked.stderr).toMatch(
      /^error: cannot import .*: data directory is in use by process 1/,
    );
    writeFileSync(join(data, 'LOCK'), '999999999\n'); // its process is gone

    const r = run('import-dir', '--data', data);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const counts = '3 reports \\(1 already there, 0 conflicting, 1 unreadable lines skipped\\)';
    const movedTo = 'the old files are in .*days\\.imported-\\d+';
    expect(r.stdout).toMatch(new RegExp(`^imported ${counts}; ${movedTo}\\n$`));
    expect(readdirSync(data).sort()).toEqual(expect.arrayContaining(['telemetry.sqlite']));
    expect(readdirSync(data)).not.toContain('days');
    expect(readdirSync(data)).not.toContain('LOCK');
    const again = run('import-dir', '--data', data);
    expect(again.stderr).toMatch(/nothing to import: .*days does not exist/);

    const store = await openSqliteStore(data);
    expect(await store.unmergedDays()).toEqual([open]);
    const got = [];
    for await (const r of store.reportsOf(open)) got.push([r.x, r.body]);
    // Canonical X and bytes.
    expect(got).toEqual([['0.75', other.replace('"X":0.750', '"X":0.75')]]);
    const mergedBodies = [];
    for await (const r of store.reportsOf(merged)) mergedBodies.push(r.body);
    expect(mergedBodies).toEqual([report(week, '0.5')]); // the padding is gone
    await store.close();

    const s = await serve(['--log', makeLog(), '--data', data]);
    expect((await upload(s.url, week, report(week, '0.5'))).json).toEqual({ status: 'duplicate' });
    expect((await upload(s.url, week, other)).json).toEqual({ status: 'duplicate' });
    expect((await upload(s.url, week, report(week, '0.25'))).status).toBe(400); // a kept key: known
    expect(await s.stop()).toBe(0);
  });
});
