// `telemetry-server serve` as a process: its command line, start-up refusals, the config log
// it serves (read by the toolkit's own client), configs published while it runs, overload
// (503 + Retry-After, nothing stored), and stopping: SIGTERM under load finishes what is in
// flight, SIGKILL loses nothing acknowledged.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchVerifiedConfig } from '../../config/index.js';
import { openSqliteStore, type Store } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { load } from './load.js';
import {
  BIN,
  CONFIG,
  afterAcks,
  day,
  makeKeyedLog,
  makeLog,
  program,
  report,
  serve,
  upload,
} from './serve-helpers.js';

const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    timeout: 30_000,
  });
const week = day(-1);
const many = (count: number, tag: number): string[] =>
  Array.from({ length: count }, (_, i) => report(week, `0.${tag}${String(i).padStart(6, '0')}1`));

async function bodiesIn(dir: string): Promise<Set<string>> {
  const s: Store = await openSqliteStore(dir);
  const out = new Set<string>();
  for (const d of await s.unmergedDays()) for await (const r of s.reportsOf(d)) out.add(r.body);
  await s.close();
  return out;
}

describe('serve: command line', () => {
  it('--help names every flag, with examples; exit 0', () => {
    const r = run('serve', '--help');
    expect(r.status).toBe(0);
    for (const f of [
      '--log',
      '--data',
      '--database',
      '--port',
      '--host',
      '--publish',
      '--max-in-flight',
      'Examples:',
    ])
      expect(r.stdout).toContain(f);
    expect(run('--help').stdout).toContain('serve');
  });

  it('usage errors exit 2; a start that cannot work exits 1 with one error line', () => {
    const log = makeLog();
    for (const args of [
      ['serve'],
      ['serve', '--log', log, '--port', 'x'],
      ['serve', '--log', log, '--port', '70000'],
      ['serve', '--log', log, '--data', 'd', '--database', 'postgres://x/y'],
      ['serve', '--log', log, '--publish', 'some'],
      ['serve', '--log', log, '--database', 'mysql://x'],
    ]) {
      expect(run(...args).status, args.join(' ')).toBe(2);
    }
    const r = run('serve', '--log', tempDir(), '--data', tempDir(), '--port', '0');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot start: .*checkpoint/);
    const data = tempDir();
    mkdirSync(join(data, 'days', '2026-11-30'), { recursive: true }); // the old segment store's layout
    const old = run('serve', '--log', log, '--data', data, '--port', '0');
    expect(old.status).toBe(1);
    expect(old.stderr).toMatch(
      /^error: cannot start: data directory .* holds reports in the old segment layout .*telemetry-server import-dir --data /,
    );
  });
});

describe('serve: the config log and config versions', () => {
  it("serves the log where clients look, with cache headers; the toolkit's client verifies it", async () => {
    const log = makeKeyedLog();
    const s = await serve(['--log', log.dir, '--data', tempDir()]);
    const cp = await fetch(`${s.url}/config-log/checkpoint`);
    expect(cp.status).toBe(200);
    expect(cp.headers.get('cache-control')).toBe('no-cache');
    const etag = cp.headers.get('etag')!;
    expect(
      (await fetch(`${s.url}/config-log/checkpoint`, { headers: { 'if-none-match': etag } }))
        .status,
    ).toBe(304);
    const tile = await fetch(`${s.url}/config-log/tile/0/000.p/1`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await tile.arrayBuffer()).byteLength).toBe(32);
    writeFileSync(join(log.dir, 'secret.key'), 'PRIVATE');
    for (const p of [
      'secret.key',
      '../secret.key',
      'tile/0/000.p/1/../../../secret.key',
      'tile/0/001',
    ]) {
      const r = await fetch(`${s.url}/config-log/${p}`);
      expect(r.status, p).toBe(404);
      expect(r.headers.get('content-type'), p).toMatch(/^application\/problem\+json/);
      await r.arrayBuffer();
    }
    const got = await fetchVerifiedConfig({ url: s.url, key: log.verifier, stateDir: tempDir() });
    expect(got.index).toBe(0);
    expect(got.config.Programs[0]!.Name).toBe('demo-tool');
    await s.stop();
  });

  it('a config published while it runs is in force within seconds, without a restart', async () => {
    const log = makeKeyedLog();
    const s = await serve(['--log', log.dir, '--data', tempDir()]);
    const body = report(week, '0.3', [program({ Program: 'new-tool', Counters: {} })]);
    expect((await upload(s.url, week, body)).status).toBe(400);
    log.publish({
      ...CONFIG,
      Programs: [
        ...CONFIG.Programs,
        { Name: 'new-tool', Versions: ['1.2.3'], Counters: [], Stacks: [] },
      ],
    });
    let status = 0;
    for (let i = 0; i < 240 && status !== 200; i++) {
      // a minute at most: a failure bound
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await upload(s.url, week, body)).status;
    }
    expect(status).toBe(200);
    await s.stop();
  });
});

describe('serve: overload and stopping', () => {
  it('overload answers 503 with Retry-After (never a 4xx) and stores nothing for it', async () => {
    const data = tempDir();
    const s = await serve(['--log', makeLog(), '--data', data, '--max-in-flight', '1']);
    const results = await load([s.url], many(400, 1), 64);
    const busy = results.filter((result) => result.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(results.every((result) => result.status === 200 || result.status === 503)).toBe(true);
    expect(JSON.parse(busy[0]!.answer)).toMatchObject({ status: 503, code: 'overloaded' });
    expect(busy.every((result) => result.retryAfter === '5')).toBe(true);
    const r = await upload(s.url, week, report(week, '0.9'));
    expect(r.status).toBe(200);
    expect(await s.stop()).toBe(0);
    const stored = await bodiesIn(data);
    for (const x of results) expect(stored.has(x.body), x.answer).toBe(x.status === 200);
  });

  it('SIGTERM under load: stops accepting, finishes what is in flight, exits 0, loses nothing acknowledged', async () => {
    const data = tempDir();
    const s = await serve(['--log', makeLog(), '--data', data]);
    const running = load([s.url], many(3000, 2), 32);
    await afterAcks(s, 100);
    const code = s.stop('SIGTERM');
    const results = await running;
    expect(await code).toBe(0);
    const acked = results.filter((result) => result.status === 200);
    expect(acked.length).toBeGreaterThan(0);
    expect(
      results.every(
        (result) => result.status === 200 || result.status === 503 || result.status === 0,
      ),
    ).toBe(true);
    const stored = await bodiesIn(data);
    for (const r of acked) expect(stored.has(r.body)).toBe(true);
    expect(s.stderr()).toContain('"event":"stopped"');
  });

  it('SIGKILL mid-load: a restarted server has every report it acknowledged, and knows them as duplicates', async () => {
    const data = tempDir();
    const log = makeLog();
    const s = await serve(['--log', log, '--data', data]);
    const running = load([s.url], many(3000, 3), 32);
    await afterAcks(s, 100);
    s.proc.kill('SIGKILL');
    const acked = (await running).filter((result) => result.status === 200);
    expect(acked.length).toBeGreaterThan(0);
    const again = await serve(['--log', log, '--data', data]); // takes over the dead process's lock
    for (const r of acked.slice(0, 50))
      expect((await upload(again.url, week, r.body)).json).toEqual({ status: 'duplicate' });
    await again.stop();
    const stored = await bodiesIn(data);
    for (const r of acked) expect(stored.has(r.body)).toBe(true);
  });
});
