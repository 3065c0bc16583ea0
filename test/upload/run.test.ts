// runUpload against a real collector on 127.0.0.1: what is sent, where, and only once; what the
// verified config lets through; no network at all for programs that are local, off or name no
// collector. Go's retry table: run-retry.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import {
  collectorId,
  collectorPaths,
  decodeReport,
  encodeReport,
  localReportPath,
  runPhases,
  runUpload,
} from '../../upload/index.js';
import { cleanEnv, countFiles, runFixture, tempDir } from '../helpers.js';
import type { TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';
import { NOW, env, startToolCollector, weekDir } from './run-fixture.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startToolCollector();
});
afterAll(() => c.close());

/** A directory with one finished week of `tool`, turned on before it, naming collector `c`. */
const setup = (program?: string, opts?: Parameters<typeof weekDir>[2]): string =>
  weekDir(c, program, opts);

describe('runUpload', () => {
  it('sends the config-filtered report once, keeps the sent copy, writes the full local report', async () => {
    c.posts.length = 0;
    const root = setup();
    const s = await runUpload({ dir: root, now: NOW, env });
    expect(s.errors).toEqual([]);
    expect(s.ok).toBe(true);
    expect(c.posts.map((post) => post.path)).toEqual(['/a/upload/2026-11-17']);
    const body = c.posts[0]!.body.toString('utf8');
    const r = decodeReport(body);
    expect(r.Week).toBe('2026-11-17');
    expect(r.Config).toBe('v0');
    expect(r.X).toBeGreaterThan(0);
    expect(r.X).toBeLessThanOrEqual(1);
    expect(r.Programs).toEqual([
      {
        Program: 'tool',
        Version: '1.0.0',
        GoVersion: 'node20.20.2',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: { 'tool/known': 3 },
        // Depth 1: both stacks become "tool/crash\nmod.a:+1" and are summed.
        Stacks: { 'tool/crash\nmod.a:+1': 6 },
      },
    ]);
    expect(encodeReport(r)).toBe(body);
    // Only what HTTP needs, and the toolkit's User-Agent.
    const names = c.posts[0]!.raw.filter((_, i) => i % 2 === 0)
      .map((hash) => hash.toLowerCase())
      .sort();
    expect(names).toEqual(['connection', 'content-length', 'content-type', 'host', 'user-agent']);
    expect(c.posts[0]!.headers['user-agent']).toMatch(/^transparent-telemetry\/\d+\.\d+\.\d+/);
    const p = collectorPaths(layout(root), collectorId({ url: c.url, key: c.key }));
    expect(readFileSync(p.sent('2026-11-17'))).toEqual(c.posts[0]!.body);
    expect(existsSync(p.pending('2026-11-17'))).toBe(false);
    const local = decodeReport(readFileSync(localReportPath(layout(root), '2026-11-17'), 'utf8'));
    expect(local.Programs![0]!.Counters).toEqual({ 'tool/known': 3, 'tool/unknown': 5 });
    expect(Object.keys(local.Programs![0]!.Stacks)).toHaveLength(3);
    const omitted = JSON.parse(readFileSync(p.omitted('2026-11-17'), 'utf8')) as {
      omitted: { counter?: string; reason: string }[];
    };
    expect(omitted.omitted).toContainEqual({
      program: 'tool',
      counter: 'tool/unknown',
      reason: 'not in the config',
    });
    expect(omitted.omitted).toContainEqual({
      program: 'tool',
      counter: 'other/crash',
      reason: 'stack not in the config',
    });

    // A second run sends nothing more.
    const again = await runUpload({ dir: root, now: NOW, env });
    expect(again.sent).toEqual([]);
    expect(c.posts).toHaveLength(1);
  });

  it('counts written by real counting processes arrive exactly', async () => {
    c.posts.length = 0;
    const root = tempDir('tt-upload-');
    setMode(root, 'tool', 'on', '2026-11-01');
    let made = 0;
    for (const n of [3, 40, 500]) {
      const r = runFixture(
        'count.mjs',
        {
          dir: root,
          program: 'tool',
          version: '1.2.0',
          now: '2026-11-11T12:00:00Z',
          after: [
            ['tool/known', n],
            ['tool/unknown', 1],
          ],
        },
        cleanEnv({ TRANSPARENT_TELEMETRY_DIR: root }),
      );
      expect(r.status, r.stderr).toBe(0);
      made += n;
    }
    expect(countFiles(root)).toHaveLength(1);
    // After the processes: open() records what the tool declares, and these name no collector.
    declare(root, 'tool', { url: c.url, key: c.key });
    const s = await runUpload({ dir: root, now: NOW, env });
    expect(s.errors).toEqual([]);
    expect(s.sent).toHaveLength(1);
    const r = decodeReport(c.posts[0]!.body.toString());
    expect(r.Programs).toMatchObject([
      {
        Program: 'tool',
        Version: '1.2.0',
        GoVersion: `node${process.versions.node}`,
        Counters: { 'tool/known': made },
      },
    ]);
  });

  it('no report holds a string its verified config does not name', async () => {
    c.posts.length = 0;
    const root = setup();
    await runUpload({ dir: root, now: NOW, env });
    const allowed = new Set([
      'Week',
      'LastWeek',
      'X',
      'Programs',
      'Config',
      'Program',
      'Version',
      'GoVersion',
      'GOOS',
      'GOARCH',
      'Counters',
      'Stacks',
      '2026-11-17',
      '',
      'v0',
      'tool',
      '1.0.0',
      'node20.20.2',
      'linux',
      'x64',
      'tool/known',
      'tool/crash\nmod.a:+1',
    ]);
    const strings: string[] = [];
    const walk = (value: unknown, key?: string): void => {
      if (key !== undefined) strings.push(key);
      if (typeof value === 'string') strings.push(value);
      else if (value && typeof value === 'object')
        for (const [k, x] of Object.entries(value)) walk(x, Array.isArray(value) ? undefined : k);
    };
    walk(JSON.parse(c.posts[0]!.body.toString()));
    expect(strings.filter((name) => !allowed.has(name))).toEqual([]);
  });

  for (const [mode, collector] of [
    ['local', true],
    ['off', true],
    ['on', false],
  ] as const) {
    it(`mode ${mode}${collector ? '' : ' without a collector'}: no request at all`, async () => {
      c.posts.length = 0;
      c.gets.length = 0;
      const root = setup('tool', { mode, collector });
      const s = await runUpload({ dir: root, now: NOW, env });
      expect(s.errors).toEqual([]);
      expect(c.posts).toEqual([]);
      expect(c.gets).toEqual([]);
      expect(existsSync(localReportPath(layout(root), '2026-11-17'))).toBe(mode !== 'off');
    });
  }

  it('--program P never builds a week its collector shares with another program', async () => {
    c.posts.length = 0;
    const root = setup();
    setMode(root, 'tool2', 'on', '2026-11-01');
    declare(root, 'tool2', { url: c.url, key: c.key });
    writeCountFile(root, {
      program: 'tool2',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool2/x': 1 },
    });
    const only = await runPhases(
      { dir: root, now: NOW, env },
      { build: true, network: true, send: true, clean: true, only: 'tool' },
    );
    expect(only.waiting).toMatchObject([
      {
        week: '2026-11-17',
        reason: 'its report would also hold tool2, not asked for (--program tool)',
      },
    ]);
    expect(c.posts).toEqual([]);
    const all = await runUpload({ dir: root, now: NOW, env });
    expect(all.sent).toHaveLength(1);
    const omitted = JSON.parse(
      readFileSync(
        collectorPaths(layout(root), collectorId({ url: c.url, key: c.key })).omitted('2026-11-17'),
        'utf8',
      ),
    );
    expect(omitted.omitted).toContainEqual({
      program: 'tool2',
      version: '1.0.0',
      reason: 'program is not in the config',
    });
  });

  it('DO_NOT_TRACK in the running process: no request', async () => {
    c.posts.length = 0;
    c.gets.length = 0;
    const root = setup();
    await runUpload({ dir: root, now: NOW, env: cleanEnv({ DO_NOT_TRACK: '1' }) });
    expect(c.gets).toEqual([]);
    expect(c.posts).toEqual([]);
  });
});
