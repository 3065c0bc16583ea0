// Go's own uploader (golang.org/x/telemetry, pinned in test/go) sends a week's report to our
// collection server, which accepts it: one collector for Go and Node tools. The program calls
// telemetry.Start with Upload set; Go's child process downloads the upload config as the
// module golang.org/x/telemetry/config from a file-based module proxy (as Go's own tests do),
// builds the report from a count file of a Go program that ended 8 days ago, and POSTs it to
// <server>/upload/<week>. Our server allows it because the config it published lists that
// program, its version, Go version, GOOS/GOARCH and counters. And since Go drops a report on
// any 4xx, a store that fails answers 503, and Go sends the report again later.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCountImage } from '../../counter/countfile/index.js';
import { parseReport } from '../../server/merge/index.js';
import { openSqliteStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { day, makeLog, serve, untilLogged } from '../server/serve-helpers.js';
import pg from 'pg';
import { freshDatabase, skipPg } from '../server/pg.js';
import { goProgram, goCommandEnv, skipGo } from './go.js';

const GO_CONFIG = {
  GOOS: ['darwin', 'linux'],
  GOARCH: ['amd64', 'arm64'],
  GoVersion: ['go1.23.4'],
  SampleRate: 1,
  Programs: [
    {
      Name: 'example.com/gotool',
      Versions: ['v1.0.0'],
      Counters: [
        { Name: 'gotool/invocations', Rate: 1 },
        { Name: 'gotool/flag:{a,b}', Rate: 1 },
      ],
      Stacks: [{ Name: 'gotool/bug', Rate: 1, Depth: 16 }],
    },
  ],
};

const DEFAULT_COUNTS: Array<[string, bigint]> = [
  ['gotool/invocations', 5n],
  ['gotool/flag:a', 2n],
  ['gotool/secret', 1n],
  ['gotool/bug\nmain.f:+3\nmain.main:+1', 1n],
];

/** A count file as Go writes it (Go's metadata keys), for a week that ended `endDaysAgo` days ago. */
function goCountFile(
  local: string,
  endDaysAgo: number,
  counts: Array<[string, bigint]> = DEFAULT_COUNTS,
): string {
  const begin = day(-endDaysAgo - 7);
  const meta = `TimeBegin: ${begin}T00:00:00Z\nTimeEnd: ${day(-endDaysAgo)}T00:00:00Z\nProgram: example.com/gotool\nVersion: v1.0.0\nGoVersion: go1.23.4\nGOOS: linux\nGOARCH: amd64\n\n`;
  const prefix = '# telemetry/counter file v1\n';
  const hdrLen = Math.ceil((prefix.length + 4 + meta.length) / 32) * 32;
  const header = new Uint8Array(hdrLen);
  header.set(Buffer.from(prefix), 0);
  new DataView(header.buffer).setUint32(prefix.length, hdrLen, true);
  header.set(Buffer.from(meta), prefix.length + 4);
  const image = buildCountImage(header, counts);
  const file = join(local, `gotool@v1.0.0-go1.23.4-linux-amd64-${begin}.v1.count`);
  writeFileSync(file, image);
  return day(-endDaysAgo);
}

interface GoRun {
  bin: string;
  tdir: string;
  week: string;
  env: (url: string) => NodeJS.ProcessEnv;
  debug: () => string;
}

/** Go's side: the uploader built, its config module behind a file proxy, a telemetry dir with mode on and one finished week. */
function goSide(counts?: Array<[string, bigint]>): GoRun {
  const bin = goProgram('uploader');
  const work = tempDir('tt-go-upload-');
  const configFile = join(work, 'config.json');
  writeFileSync(configFile, JSON.stringify(GO_CONFIG, null, '\t'));
  const proxy = join(work, 'proxy');
  const made = spawnSync(bin, ['proxy', proxy, 'v1.2.3', configFile], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`uploader proxy: ${made.stderr}`);
  const tdir = join(work, 'telemetry');
  mkdirSync(join(tdir, 'local'), { recursive: true });
  mkdirSync(join(tdir, 'debug')); // Go's uploader logs there, shown if a test fails
  writeFileSync(join(tdir, 'mode'), `on ${day(-60)}`);
  const week = goCountFile(join(tdir, 'local'), 8, counts);
  const env = (url: string): NodeJS.ProcessEnv => ({
    ...goCommandEnv(),
    GOPROXY: `file://${proxy}`,
    GONOSUMDB: '*',
    GONOSUMCHECK: '1',
    GOFLAGS: '-modcacherw',
    GOMODCACHE: join(work, 'modcache'),
    TT_GO_TELEMETRY_DIR: tdir,
    TT_UPLOAD_URL: `${url}/upload`,
  });
  const debug = () =>
    readdirSync(join(tdir, 'debug'))
      .map((name) => readFileSync(join(tdir, 'debug', name), 'utf8'))
      .join('\n');
  return { bin, tdir, week, env, debug };
}

function runGo(goSide: GoRun, url: string): void {
  rmSync(join(goSide.tdir, 'local', 'upload.token'), { force: true }); // one upload run per 24 h otherwise
  const r = spawnSync(goSide.bin, [], { env: goSide.env(url), encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`uploader exited ${r.status}: ${r.stderr}`);
}

describe.skipIf(skipGo)("Go's uploader", () => {
  it("uploads a Go program's week to our server, which accepts it (200) and stores it", async () => {
    const go = goSide();
    const { tdir, week } = go;
    const data = tempDir('tt-go-data-');
    const s = await serve(['--log', makeLog([GO_CONFIG]), '--data', data]);
    runGo(go, s.url);

    // Go moves a report to upload/ only after a 200.
    expect(existsSync(join(tdir, 'upload', `${week}.json`)), go.debug()).toBe(true);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toMatch(/"route":"\/upload\/:week","status":200,.*"reason":"stored"/);
    const store = await openSqliteStore(data);
    const got = [];
    for (const d of await store.unmergedDays())
      for await (const x of store.reportsOf(d)) got.push(x);
    await store.close();
    expect(got).toHaveLength(1);
    // Go's report, kept as its json.Marshal (canonical: Go's order, no indentation); nothing in
    // it escapes differently in JavaScript, so JSON.stringify writes the same bytes.
    const sent = readFileSync(join(tdir, 'upload', `${week}.json`), 'utf8');
    expect(sent).toMatch(/^\{\n "Week"/); // Go sent it indented
    expect(got[0]!.body).toBe(JSON.stringify(JSON.parse(sent)));
    const rep = JSON.parse(got[0]!.body);
    expect(rep).toMatchObject({ Week: week, LastWeek: '', Config: 'v1.2.3' });
    expect(rep.Programs).toEqual([
      {
        Program: 'example.com/gotool',
        Version: 'v1.0.0',
        GoVersion: 'go1.23.4',
        GOOS: 'linux',
        GOARCH: 'amd64',
        Counters: { 'gotool/invocations': 5, 'gotool/flag:a': 2 },
        Stacks: { 'gotool/bug\nmain.f:+3\nmain.main:+1': 1 },
      },
    ]);
    expect(Number(got[0]!.x)).toBe(rep.X); // the identity is X as Go wrote it
  });

  it('accepts counts of 2^63 and more, which Go writes wrapped to negative int64, as the unsigned counts they are', async () => {
    // A saturated counter (2^64−1) arrives as -1, 2^63 + 5 as -9223372036854775803.
    const go = goSide([
      ['gotool/invocations', 2n ** 64n - 1n],
      ['gotool/flag:a', 2n ** 63n + 5n],
      ['gotool/flag:b', 3n],
    ]);
    const data = tempDir('tt-go-wrap-');
    const s = await serve(['--log', makeLog([GO_CONFIG]), '--data', data]);
    runGo(go, s.url);
    expect(
      existsSync(join(go.tdir, 'upload', `${go.week}.json`)),
      `${s.stderr()}\n${go.debug()}`,
    ).toBe(true);
    expect(await s.stop()).toBe(0);
    const body = readFileSync(join(go.tdir, 'upload', `${go.week}.json`), 'utf8');
    expect(body).toMatch(/"gotool\/invocations": -1\n/);
    expect(body).toContain('"gotool/flag:a": -9223372036854775803');
    const store = await openSqliteStore(data);
    const got = [];
    for (const d of await store.unmergedDays())
      for await (const x of store.reportsOf(d)) got.push(x);
    await store.close();
    // Kept as Go's json.Marshal of it (canonical): the indented file without its whitespace,
    // the wrapped counts as their digits.
    const compact = body.replace(/\n */g, '').replace(/": /g, '":');
    expect(got.map((x) => x.body)).toEqual([compact]);
    // Merging reads them as the unsigned counts Go counted.
    const counters = parseReport(body).programs[0]!.counters;
    expect(counters).toEqual({
      'gotool/invocations': 2n ** 64n - 1n,
      'gotool/flag:a': 2n ** 63n + 5n,
      'gotool/flag:b': 3,
    });
  });

  it.skipIf(skipPg)(
    'a store that fails answers 503: Go keeps the report and sends it again on its next run',
    async () => {
      const go = goSide();
      const url = await freshDatabase();
      const s = await serve(['--log', makeLog([GO_CONFIG]), '--database', url]);
      const db = new pg.Client({ connectionString: url });
      db.on('error', () => undefined); // the database is dropped after the test
      await db.connect();
      await db.query('ALTER TABLE tt_reports RENAME TO tt_reports_away'); // every insert now fails
      runGo(go, s.url);
      // spawnSync held this process: the server's log lines arrive now
      await untilLogged(s, /"status":503/);
      expect(s.stderr()).toMatch(/"status":503,.*"reason":"store-unavailable"/);
      expect(existsSync(join(go.tdir, 'upload', `${go.week}.json`))).toBe(false);
      expect(existsSync(join(go.tdir, 'local', `${go.week}.json`)), go.debug()).toBe(true); // kept for a retry
      await db.query('ALTER TABLE tt_reports_away RENAME TO tt_reports');
      runGo(go, s.url);
      expect(existsSync(join(go.tdir, 'upload', `${go.week}.json`)), go.debug()).toBe(true);
      const rows = await db.query('SELECT body FROM tt_reports');
      const sent = readFileSync(join(go.tdir, 'upload', `${go.week}.json`), 'utf8');
      expect(rows.rows.map((row) => row.body)).toEqual([JSON.stringify(JSON.parse(sent))]); // stored once, canonical
      await db.end();
      expect(await s.stop()).toBe(0);
    },
  );
});
