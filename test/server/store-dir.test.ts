// The embedded directory store against the shared suite, plus what is its own: one process
// per directory, group-committed segments, nothing half-written left visible.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDirStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { storeSuite } from './store-suite.js';

storeSuite('directory', async () => {
  const dir = tempDir('tt-store-');
  return { store: await openDirStore(dir), reopen: () => openDirStore(dir) };
});

describe('directory store', () => {
  it('refuses a directory another live process holds, takes over a stale lock', async () => {
    const dir = tempDir('tt-store-');
    writeFileSync(join(dir, 'LOCK'), '1\n'); // pid 1 is alive
    await expect(openDirStore(dir)).rejects.toThrow(/in use by process 1/);
    writeFileSync(join(dir, 'LOCK'), '999999999\n');
    const s = await openDirStore(dir);
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
    await s.close();
    expect(readdirSync(dir)).not.toContain('LOCK');
  });

  it('a partial last line (a crash mid-append, never acknowledged) is dropped; a torn middle is an error', async () => {
    const dir = tempDir('tt-store-');
    const day = new Date().toISOString().slice(0, 10);
    const s = await openDirStore(dir);
    await s.put({ week: '2026-11-22', x: '0.1', day, body: '{"a":1}' });
    await s.close();
    const [seg] = readdirSync(join(dir, 'days', day));
    const file = join(dir, 'days', day, seg!);
    writeFileSync(file, readFileSync(file, 'utf8') + '{"week":"2026-11-22","x":"0.2","hash":"ab');
    const again = await openDirStore(dir);
    const got = [];
    for await (const r of again.reportsOf(day)) got.push(r.x);
    expect(got).toEqual(['0.1']);
    expect(await again.put({ week: '2026-11-22', x: '0.2', day, body: '{"b":2}' })).toBe('stored'); // never stored before
    expect(await again.put({ week: '2026-11-22', x: '0.1', day, body: '{"a":1}' })).toBe('duplicate');
    await again.close();
    writeFileSync(file, 'not json\n' + readFileSync(file, 'utf8'));
    await expect(openDirStore(dir)).rejects.toThrow(/line 1 is not JSON/);
  });

  it('group commit: concurrent puts share segments; leftover temporary files are cleared at start', async () => {
    const dir = tempDir('tt-store-');
    const s = await openDirStore(dir);
    const day = new Date().toISOString().slice(0, 10);
    await Promise.all(Array.from({ length: 500 }, (_, i) => s.put({ week: '2026-11-22', x: `0.${i + 1}`, day, body: `{"i":${i}}` })));
    const segments = readdirSync(join(dir, 'days', day));
    expect(segments.length).toBeLessThan(100);
    writeFileSync(join(dir, 'days', day, '.x.ndjson.1.ab.tmp'), 'half');
    await s.close();
    const again = await openDirStore(dir);
    expect(readdirSync(join(dir, 'days', day)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await again.close();
  });
});
