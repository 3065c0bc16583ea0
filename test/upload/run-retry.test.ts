// runUpload against a real collector on 127.0.0.1 that answers with errors: Go's retry table
// (docs/upload.md), 408/429/503, a 400 for a week in the collector's future, an unreachable
// collector. What is kept for later is sent again, byte for byte.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { collectorId, collectorPaths, runUpload } from '../../upload/index.js';
import { tempDir } from '../helpers.js';
import type { TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';
import { problemAnswer } from '../../server/serve/upload.js';
import { NOW, env, startToolCollector, weekDir } from './run-fixture.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startToolCollector();
});
afterAll(() => c.close());

/** A directory with one finished week of `tool`, turned on before it, naming collector `c`. */
const setup = (program?: string, opts?: Parameters<typeof weekDir>[2]): string =>
  weekDir(c, program, opts);

describe('retry table', () => {
  // Go's TestRun_Retries (200, 400, 500), plus 404, 410, 413, 422 (never) and 408, 429, 503 (later).
  const table: [number, 'sent' | 'dropped' | 'retry'][] = [
    [200, 'sent'],
    [201, 'sent'],
    [400, 'dropped'],
    [404, 'dropped'],
    [410, 'dropped'],
    [413, 'dropped'],
    [422, 'dropped'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ];
  for (const [status, fate] of table) {
    it(`${status}: ${fate}, then a retry against a good server`, async () => {
      c.posts.length = 0;
      const root = setup();
      const p = collectorPaths(layout(root), collectorId({ url: c.url, key: c.key }));
      c.answer = () => status;
      try {
        const s = await runUpload({ dir: root, now: NOW, env });
        expect(s.ok).toBe(fate === 'sent');
        expect(existsSync(p.sent('2026-11-17'))).toBe(fate === 'sent');
        expect(existsSync(p.pending('2026-11-17'))).toBe(fate === 'retry');
        expect(existsSync(p.dropped('2026-11-17'))).toBe(fate === 'dropped');
        if (fate === 'dropped') {
          expect(s.dropped).toMatchObject([{ week: '2026-11-17', code: 'refused', status }]);
          expect(readFileSync(p.refused('2026-11-17'))).toEqual(c.posts[0]!.body);
        }
        if (fate === 'retry') expect(s.retry).toMatchObject([{ week: '2026-11-17' }]);
      } finally {
        c.answer = () => 200;
      }
      const first = c.posts[0]!.body;
      await runUpload({ dir: root, now: NOW, env });
      expect(c.posts.length).toBe(fate === 'retry' ? 2 : 1);
      expect(existsSync(p.sent('2026-11-17'))).toBe(fate !== 'dropped');
      if (fate === 'retry') expect(c.posts[1]!.body).toEqual(first); // the same bytes, not a new draw
    });
  }

  // The collector's own problem documents (server/serve/upload.ts), byte for byte.
  const problemOf = (code: string, detail: string) => () => {
    const a = problemAnswer({ status: 400, code, field: '/Week', detail });
    return { type: a.type, body: a.body };
  };
  it('400 "in the future" (the collector\'s clock is behind this machine\'s): kept for later, sent then', async () => {
    c.posts.length = 0;
    const root = setup();
    const p = collectorPaths(layout(root), collectorId({ url: c.url, key: c.key }));
    c.answer = () => 400;
    c.problem = problemOf('future', '2026-11-17 is in the future');
    try {
      const s = await runUpload({ dir: root, now: NOW, env });
      expect(s.retry).toMatchObject([{ week: '2026-11-17' }]);
      expect(existsSync(p.pending('2026-11-17'))).toBe(true);
      expect(existsSync(p.dropped('2026-11-17'))).toBe(false);
    } finally {
      c.answer = () => 200;
      c.problem = undefined;
    }
    await runUpload({ dir: root, now: NOW, env });
    expect(existsSync(p.sent('2026-11-17'))).toBe(true);
    expect(c.posts[1]!.body).toEqual(c.posts[0]!.body);
  });

  it('any other 400 problem is still final (dropped)', async () => {
    const root = setup();
    const p = collectorPaths(layout(root), collectorId({ url: c.url, key: c.key }));
    c.answer = () => 400;
    c.problem = problemOf('too-old', '2026-11-17 is more than 21 days old (the upload window)');
    try {
      await runUpload({ dir: root, now: NOW, env });
      expect(existsSync(p.dropped('2026-11-17'))).toBe(true);
    } finally {
      c.answer = () => 200;
      c.problem = undefined;
    }
  });

  it('an unreachable collector keeps the report for later', async () => {
    const root = tempDir('tt-upload-');
    setMode(root, 'tool', 'on', '2026-11-01');
    declare(root, 'tool', { url: 'http://127.0.0.1:1/x', key: c.key });
    writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool/known': 1 },
    });
    const s = await runUpload({ dir: root, now: NOW, env });
    expect(s.ok).toBe(false);
    expect(s.configs).toMatchObject([{ ok: false, code: 'ENETWORK' }]);
    expect(s.retry).toMatchObject([{ week: '2026-11-17' }]);
    const cid = collectorId({ url: 'http://127.0.0.1:1/x', key: c.key });
    expect(readdirSync(join(root, 'upload', cid)).sort()).toEqual([
      'collector.json',
      'status.json',
    ]);
  });
});
