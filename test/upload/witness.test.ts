// A collector pinned with witnesses: the uploader sends only when the config log's checkpoint
// carries a quorum of their cosignatures, and records the refusal for `telemetry status`
// otherwise (docs/config-log.md, docs/upload.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignNote, generateWitnessKey } from '../../config/index.js';
import { layout } from '../../counter/settings/index.js';
import { collectorId, collectorPaths, readStatus, runUpload } from '../../upload/index.js';
import { cleanEnv, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const env = cleanEnv();
const w1 = generateWitnessKey('witness.test/w1', new Uint8Array(32).fill(41));
const w2 = generateWitnessKey('witness.test/w2', new Uint8Array(32).fill(42));

let c: TestCollector;
beforeAll(async () => {
  c = await startCollector('w', 9);
  c.publish(configFor(['tool'], { counters: [{ Name: 'tool/known', Rate: 1 }] }));
});
afterAll(() => c.close());

function setup(witnesses: string[], quorum?: number): string {
  const root = tempDir('tt-upload-witness-');
  setMode(root, 'tool', 'on', '2026-11-01');
  declare(root, 'tool', { url: c.url, key: c.key, witnesses, ...(quorum ? { quorum } : {}) });
  writeCountFile(root, {
    program: 'tool',
    begin: '2026-11-10',
    end: '2026-11-17',
    counts: { 'tool/known': 3 },
  });
  return root;
}

const status = (root: string) =>
  readStatus(collectorPaths(layout(root), collectorId({ url: c.url, key: c.key })));

describe('a collector with pinned witnesses', () => {
  it('sends nothing while the checkpoint lacks the quorum, and says why in the status', async () => {
    c.posts.length = 0;
    const root = setup([w1.verifier, w2.verifier], 1);
    const s = await runUpload({ dir: root, now: NOW, env });
    expect(c.posts).toEqual([]);
    expect(s.configs).toEqual([expect.objectContaining({ ok: false, code: 'EWITNESS' })]);
    expect(status(root)?.lastConfig).toMatchObject({ ok: false, code: 'EWITNESS' });
    expect(status(root)?.lastConfig?.message).toContain('witness.test/w1');
  });

  it('sends once one pinned witness of a quorum of 1 has cosigned', async () => {
    c.posts.length = 0;
    const file = join(c.logDir, 'checkpoint');
    const signed = cosignNote(
      readFileSync(file, 'utf8'),
      w2.signer,
      Math.floor(NOW.getTime() / 1000),
    );
    writeFileSync(file, signed);
    const root = setup([w1.verifier, w2.verifier], 1);
    await runUpload({ dir: root, now: NOW, env });
    expect(c.posts.map((post) => post.week)).toEqual(['2026-11-17']);
    expect(status(root)?.lastConfig).toMatchObject({ ok: true, config: 'v0' });
  });

  it('needs every pinned witness when no quorum is given', async () => {
    c.posts.length = 0;
    const root = setup([w1.verifier, w2.verifier]);
    await runUpload({ dir: root, now: NOW, env });
    expect(c.posts).toEqual([]);
    expect(status(root)?.lastConfig).toMatchObject({ ok: false, code: 'EWITNESS' });
  });
});
