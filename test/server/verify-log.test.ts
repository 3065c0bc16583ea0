// Auditing the log with the built `telemetry-server` (real processes, real files, HTTP on
// 127.0.0.1): verify-log takes the collector URL as show does, keeps state with --state and then
// refuses a rollback and a fork as cosign does, ends at one overall deadline against a host that
// drips bytes, and every reader of a log directory refuses a tile that is a symbolic link.
import { cpSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { EXAMPLE, run, runAsync } from './bin.js';
import { CONFIG, makeLog, serve } from './serve-helpers.js';

const NAME = 'collector.test/config';
const work = tempDir('tt-verify-log-');
const key = join(work, 'config.key');
const verifier = run('keygen', NAME, '--out', key).stdout.trim();
const log = join(work, 'log');
const atSize1 = join(work, 'log-at-1');
expect(run('publish', EXAMPLE, '--key', key, '--log', log).status).toBe(0);
cpSync(log, atSize1, { recursive: true });
const config2 = join(work, 'config2.json');
const config3 = join(work, 'config3.json');
const withRate = (rate: string) =>
  readFileSync(EXAMPLE, 'utf8').replace('"SampleRate": 1', `"SampleRate": ${rate}`);
writeFileSync(config2, withRate('0.5'));
writeFileSync(config3, withRate('0.25'));
expect(run('publish', config2, '--key', key, '--log', log).status).toBe(0);
// A fork: the same key signs another size-2 log (the first entry, then another second one).
const fork = join(work, 'fork');
cpSync(atSize1, fork, { recursive: true });
expect(run('publish', config3, '--key', key, '--log', fork).status).toBe(0);

describe('verify-log <url>', () => {
  it("accepts the collector's base URL as well as the log's own URL (the real collector)", async () => {
    const s = await serve(['--log', log, '--data', tempDir('tt-verify-data-')]);
    try {
      for (const url of [s.url, `${s.url}/`, `${s.url}/config-log/`, `${s.url}/config-log`]) {
        const r = await runAsync('verify-log', url, '--key', verifier);
        expect([r.status, r.stderr], url).toEqual([0, '']);
        expect(r.stdout).toContain('verified, 2 entries');
      }
    } finally {
      await s.stop();
    }
  });
});

describe('verify-log --state', () => {
  it('keeps the checkpoint and refuses a rollback and a fork of it; without state both pass', () => {
    const state = tempDir('tt-monitor-');
    expect(run('verify-log', log, '--key', verifier, '--state', state).status).toBe(0);
    expect(readdirSync(state)).toHaveLength(1);
    const rollback = run('verify-log', atSize1, '--key', verifier, '--state', state);
    expect(rollback.status).toBe(1);
    expect(rollback.stderr).toMatch(
      /^error: refusing the log: .*size 1 is below the trusted size 2/,
    );
    const forked = run('verify-log', fork, '--key', verifier, '--state', state);
    expect(forked.status).toBe(1);
    expect(forked.stderr).toMatch(/^error: refusing the log: .*forked/);
    for (const dir of [atSize1, fork])
      expect(run('verify-log', dir, '--key', verifier).status).toBe(0);
    expect(run('verify-log', log, '--key', verifier, '--state', state).status).toBe(0); // the real one still passes
    expect(run('verify-log', '--help').stdout).toMatch(/Without --state a run proves only/);
  });
});

describe('verify-log against a host that drips one byte a second', () => {
  let drip: Server;
  const timers = new Set<NodeJS.Timeout>();
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    drip.closeAllConnections();
    await new Promise((resolve) => drip.close(resolve));
  });
  it('ends at its overall deadline with an error naming it', async () => {
    drip = createServer((_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write('x'), 1000);
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(drip.address() as AddressInfo).port}`;
    const r = await runAsync('verify-log', url, '--key', verifier, '--timeout', '2');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*not fetched within the deadline of 2 s/);
  });
});

describe('a log tile that is a symbolic link', () => {
  const linked = join(work, 'linked');
  cpSync(log, linked, { recursive: true });
  const tile = join(linked, 'tile', '0', '000.p', '2');
  renameSync(tile, `${tile}.real`);
  symlinkSync(`${tile}.real`, tile);

  it('is refused by verify-log, show and publish, naming the file and why', () => {
    for (const args of [
      ['verify-log', linked, '--key', verifier],
      ['show', linked, '--key', verifier],
      ['publish', config3, '--key', key, '--log', linked],
    ]) {
      const r = run(...args);
      expect(r.status, args[0]).toBe(1);
      expect(r.stderr, args[0]).toMatch(
        /tile\/0\/000\.p\/2 is a symbolic link: the collector serves no symbolic links/,
      );
    }
  });

  it("is refused by serve's start check", async () => {
    const copy = makeLog([CONFIG]);
    const served = join(copy, 'tile', '0', '000.p', '1');
    renameSync(served, `${served}.real`);
    symlinkSync(`${served}.real`, served);
    await expect(serve(['--log', copy, '--data', tempDir('tt-symlink-data-')])).rejects.toThrow(
      /symbolic link/,
    );
  });
});
