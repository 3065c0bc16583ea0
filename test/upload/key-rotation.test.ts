// Key rotation, the path server/README.md documents: a vendor who must change its log key
// starts a new log under a new key at the same URL and ships a tool version that pins it. A
// client still pinning the old key then fails closed (nothing is sent, nothing is dropped); once
// the tool declares the new key, the week that waited is sent. Real collector on 127.0.0.1.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToLog, generateKey } from '../../config/index.js';
import { runUpload } from '../../upload/index.js';
import { cleanEnv, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';

const env = cleanEnv();
let c: TestCollector;
beforeAll(async () => {
  c = await startCollector('rot', 11);
  c.publish(configFor(['tool']));
});
afterAll(() => c.close());

describe('rotating the log key', () => {
  it('an old pin fails closed and keeps the week; the new pin sends it', async () => {
    const root = tempDir('tt-rotate-');
    setMode(root, 'tool', 'on', '2026-11-01');
    declare(root, 'tool', { url: c.url, key: c.key });
    writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-03',
      end: '2026-11-10',
      counts: { 'tool/known': 1 },
    });
    const first = await runUpload({ dir: root, now: new Date('2026-11-12T10:00:00Z'), env });
    expect(first.ok).toBe(true);
    expect(c.posts).toHaveLength(1);

    // The vendor rotates: a new log, same origin name and URL, a new key.
    for (const f of readdirSync(c.logDir))
      rmSync(join(c.logDir, f), { recursive: true, force: true });
    const next = generateKey('collector.test/rot');
    appendToLog(
      c.logDir,
      [Buffer.from(JSON.stringify(configFor(['tool'])))],
      next.signer,
      'collector.test/rot',
    );

    writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool/known': 2 },
    });
    const stale = await runUpload({ dir: root, now: new Date('2026-11-19T10:00:00Z'), env });
    expect(stale.ok).toBe(false);
    expect(stale.configs).toMatchObject([{ ok: false }]);
    expect(c.posts).toHaveLength(1); // nothing sent under a key the tool did not pin

    declare(root, 'tool', { url: c.url, key: next.verifier }); // the tool's next version
    const updated = await runUpload({ dir: root, now: new Date('2026-11-20T10:00:00Z'), env });
    expect(updated.errors).toEqual([]);
    // The week sent under the old key is not sent again (with a fresh X it would count twice).
    expect(c.posts.map((post) => post.week)).toEqual(['2026-11-10', '2026-11-17']);
  });
});
