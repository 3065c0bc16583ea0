// Go's date scenarios (Go's upload dates_test.go, opt-in 2019-12-01, one count file per case),
// adapted to per-collector folders: a collector's week is decided on its own, so a local report
// that already exists does not stop the collector's report (alreadydonelocal), and count files
// stay until cleanup (they are what `telemetry view` shows).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import {
  collectorId,
  collectorPaths,
  encodeReport,
  localReportPath,
  runUpload,
  type Report,
} from '../../upload/index.js';
import { cleanEnv, countFiles, tempDir } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startCollector('d');
  c.publish(configFor(['tool']));
});
afterAll(() => c.close());

const waiting = (week: string): string =>
  encodeReport({
    Week: week,
    LastWeek: '',
    X: 0.5,
    Config: 'v0',
    Programs: [
      {
        Program: 'tool',
        Version: '1.0.0',
        GoVersion: 'node20.20.2',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: { 'tool/known': 1 },
        Stacks: {},
      },
    ],
  } satisfies Report);

interface Case {
  name: string;
  today: string;
  begin: string;
  end: string;
  pending?: string[];
  local?: boolean;
  sent?: boolean;
  expect: { posts: string[]; local: boolean; pending: string[]; countFile: boolean };
}

const cases: Case[] = [
  {
    name: 'beforefirstupload',
    today: '2019-12-04',
    begin: '2019-12-01',
    end: '2019-12-03',
    pending: ['2019-12-01', '2019-12-02'],
    expect: { posts: ['2019-12-02'], local: true, pending: ['2019-12-01'], countFile: true },
  },
  {
    name: 'oktoupload',
    today: '2019-12-10',
    begin: '2019-12-02',
    end: '2019-12-09',
    pending: ['2019-12-07'],
    expect: { posts: ['2019-12-07', '2019-12-09'], local: true, pending: [], countFile: true },
  },
  {
    name: 'oldcountfile',
    today: '2020-01-24',
    begin: '2019-12-26',
    end: '2020-01-02',
    expect: { posts: [], local: true, pending: [], countFile: true },
  },
  {
    name: 'todayscountfile',
    today: '2020-01-24',
    begin: '2020-01-08',
    end: '2020-01-24',
    expect: { posts: [], local: false, pending: [], countFile: true },
  },
  {
    name: 'yesterdaycountfile',
    today: '2020-01-24',
    begin: '2020-01-16',
    end: '2020-01-23',
    expect: { posts: ['2020-01-23'], local: true, pending: [], countFile: true },
  },
  {
    name: 'alreadydonelocal',
    today: '2020-01-24',
    begin: '2020-01-16',
    end: '2020-01-23',
    local: true,
    expect: { posts: ['2020-01-23'], local: true, pending: [], countFile: true },
  },
  {
    name: 'alreadydoneuploaded',
    today: '2020-01-24',
    begin: '2020-01-16',
    end: '2020-01-23',
    sent: true,
    expect: { posts: [], local: true, pending: [], countFile: true },
  },
  {
    name: 'futurereadyfile',
    today: '2020-01-24',
    begin: '2020-01-16',
    end: '2020-01-24',
    pending: ['2020-01-25'],
    expect: { posts: [], local: false, pending: ['2020-01-25'], countFile: true },
  },
];

describe('dates (Go dates_test.go scenarios)', () => {
  for (const k of cases) {
    it(k.name, async () => {
      c.posts.length = 0;
      const root = tempDir('tt-dates-');
      setMode(root, 'tool', 'on', '2019-12-01');
      declare(root, 'tool', { url: c.url, key: c.key });
      writeCountFile(root, {
        program: 'tool',
        begin: k.begin,
        end: k.end,
        counts: { 'tool/known': 1 },
      });
      const p = collectorPaths(layout(root), collectorId({ url: c.url, key: c.key }));
      mkdirSync(p.sentDir, { recursive: true });
      for (const w of k.pending ?? []) writeFileSync(p.pending(w), waiting(w));
      const localFile = localReportPath(layout(root), k.end);
      if (k.local) writeFileSync(localFile, 'kept as it was');
      if (k.sent) writeFileSync(p.sent(k.end), waiting(k.end));
      const s = await runUpload({
        dir: root,
        now: new Date(`${k.today}T08:00:00Z`),
        env: cleanEnv(),
      });
      expect(s.errors).toEqual([]);
      expect(c.posts.map((x) => x.week).sort()).toEqual(k.expect.posts);
      expect(existsSync(localFile)).toBe(k.expect.local);
      if (k.local) expect(readFileSync(localFile, 'utf8')).toBe('kept as it was');
      const left = [...(k.pending ?? []), k.end].filter((week) => existsSync(p.pending(week)));
      expect(left).toEqual(k.expect.pending);
      expect(countFiles(root).length > 0).toBe(k.expect.countFile);
      if (k.name === 'oldcountfile')
        expect(s.dropped).toMatchObject([{ week: '2020-01-02', code: 'too-old' }]);
      if (k.name === 'beforefirstupload')
        expect(s.dropped).toMatchObject([{ week: '2019-12-03', code: 'nothing-allowed' }]);
    });
  }

  it('weeks with only empty count files send nothing; the next week is sent (Go EmptyUpload)', async () => {
    c.posts.length = 0;
    const root = tempDir('tt-dates-');
    setMode(root, 'tool', 'on', '2019-12-01');
    declare(root, 'tool', { url: c.url, key: c.key });
    writeCountFile(root, { program: 'tool', begin: '2020-01-02', end: '2020-01-09', counts: {} });
    writeCountFile(root, {
      program: 'tool',
      begin: '2020-01-09',
      end: '2020-01-16',
      counts: { 'tool/known': 2 },
    });
    const s = await runUpload({
      dir: root,
      now: new Date('2020-01-20T08:00:00Z'),
      env: cleanEnv(),
    });
    expect(c.posts.map((x) => x.week)).toEqual(['2020-01-16']);
    expect(s.dropped).toMatchObject([{ week: '2020-01-09', code: 'empty' }]);
    expect(s.cleaned).toHaveLength(1); // the empty finished file
    expect(countFiles(root)).toHaveLength(1);
  });

  it('a corrupt count file is left alone and does not stop the other week (Go MissingDate)', async () => {
    c.posts.length = 0;
    const root = tempDir('tt-dates-');
    setMode(root, 'tool', 'on', '2019-12-01');
    declare(root, 'tool', { url: c.url, key: c.key });
    const bad = writeCountFile(root, {
      program: 'tool',
      begin: '2020-01-02',
      end: '2020-01-09',
      counts: { 'tool/known': 1 },
    });
    const bytes = readFileSync(bad);
    bytes.write('TimeEnd: garbage!!!!!!!!!!!!', bytes.indexOf('TimeEnd'), 'latin1');
    writeFileSync(bad, bytes);
    writeCountFile(root, {
      program: 'tool',
      begin: '2020-01-09',
      end: '2020-01-16',
      counts: { 'tool/known': 2 },
    });
    const s = await runUpload({
      dir: root,
      now: new Date('2020-01-20T08:00:00Z'),
      env: cleanEnv(),
    });
    expect(c.posts.map((x) => x.week)).toEqual(['2020-01-16']);
    expect(s.unreadable.join('\n')).toContain(bad);
    expect(existsSync(bad)).toBe(true);
  });
});
