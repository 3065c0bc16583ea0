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
