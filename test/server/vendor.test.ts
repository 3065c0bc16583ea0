// The built `telemetry-server` bin (server/dist) as real processes on real temp dirs: keygen,
// publish, verify-log of a directory and over HTTP on 127.0.0.1, the client reading what was
// published, and every refusal with its exit code and its one `error:` line.
import { chmodSync, cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchVerifiedConfig } from '../../config/index.js';
import { tempDir } from '../helpers.js';
import { serveLogDir } from '../log-server.js';
import { EXAMPLE, run, runAsync } from './bin.js';

const NAME = 'collector.test/config';
const oneError = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
};

const work = tempDir('tt-vendor-');
const key = join(work, 'config.key');
const log = join(work, 'log');
let verifier = '';
const config2 = join(work, 'config2.json');
writeFileSync(
  config2,
  readFileSync(EXAMPLE, 'utf8').replace('"SampleRate": 1', '"SampleRate": 0.5'),
);

describe('keygen', () => {
  it('writes the private key with mode 0600 and prints only the verifier key', () => {
    const r = run('keygen', NAME, '--out', key);
    expect(r.status).toBe(0);
    verifier = r.stdout.trim();
    expect(verifier).toMatch(/^collector\.test\/config\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const secret = readFileSync(key, 'utf8').trim();
    expect(secret).toMatch(/^PRIVATE\+KEY\+collector\.test\/config\+/);
    // PRIVATE+KEY+<name>+<hash>+<base64>: the base64 may hold '+' itself.
    const seed = secret.split('+').slice(4).join('+');
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain('PRIVATE');
      expect(out).not.toContain(seed);
    }
    expect(r.stderr).toContain(key);
  });

  it('refuses to overwrite an existing file', () => {
    const before = readFileSync(key);
    const r = run('keygen', NAME, '--out', key);
    expect(r.status).toBe(1);
    oneError(r.stderr);
    expect(r.stdout).toBe('');
    expect(readFileSync(key)).toEqual(before);
  });
});

describe('publish and verify-log', () => {
  const srv = serveLogDir(() => log);

  const listing = (stdout: string) => stdout.split('\n').filter((line) => /^\d+ /.test(line));

  it('publishes two versions, and verify-log of the directory lists both in order', () => {
    let r = run('publish', EXAMPLE, '--key', key, '--log', log);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/entry 0.*size 1/);
    r = run('publish', config2, '--key', key, '--log', log);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/entry 1.*size 2/);
    r = run('verify-log', log, '--key', verifier);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const lines = listing(r.stdout);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^0  ${readFileSync(EXAMPLE).length} bytes  sha256:[0-9a-f]{16}  demo-tool$`),
    );
    expect(lines[1]).toMatch(
      new RegExp(`^1  ${readFileSync(config2).length} bytes  sha256:[0-9a-f]{16}  demo-tool$`),
    );
    const json = JSON.parse(run('verify-log', log, '--key', verifier, '--json').stdout);
    expect(json.size).toBe(2);
    expect(
      json.versions.map((version: { index: number; programs: string[] }) => [
        version.index,
        version.programs,
      ]),
    ).toEqual([
      [0, ['demo-tool']],
      [1, ['demo-tool']],
    ]);
  });

  it('verify-log over HTTP gives the same listing, and the client gets the second version', async () => {
    const local = run('verify-log', log, '--key', verifier);
    const r = await runAsync('verify-log', `${srv.base}/config-log/`, '--key', verifier);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(listing(r.stdout)).toEqual(listing(local.stdout));
    const got = await fetchVerifiedConfig({
      url: srv.base,
      key: verifier,
      stateDir: tempDir('tt-vendor-state-'),
    });
    expect(got.index).toBe(1);
    expect(got.config.SampleRate).toBe(0.5);
  });

  it('refuses to publish the config in force', () => {
    const r = run('publish', config2, '--key', key, '--log', log);
    expect(r.status).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/config in force.*nothing to publish/);
  });

  it('refuses a malformed config, naming its JSON path, and leaves the log as it was', () => {
    const bad = join(work, 'bad.json');
    writeFileSync(
      bad,
      readFileSync(EXAMPLE, 'utf8')
        .replace('"Rate": 1,', '"Rate": "often",')
        .replace('"Rate": 1 }', '"Rate": "often" }'),
    );
    const before = readFileSync(join(log, 'checkpoint'));
    const r = run('publish', bad, '--key', key, '--log', log);
    expect(r.status).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/Programs\[0\]\.Counters\[0\]\.Rate/);
    expect(readFileSync(join(log, 'checkpoint'))).toEqual(before);
  });

  it('refuses a key file others may read', () => {
    const loose = join(work, 'loose.key');
    cpSync(key, loose);
    chmodSync(loose, 0o644);
    const r = run('publish', EXAMPLE, '--key', loose, '--log', join(work, 'log-loose'));
    expect(r.status).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/mode 0644/);
    expect(existsSync(join(work, 'log-loose'))).toBe(false);
  });

  it('refuses to publish to a log signed by another key', () => {
    const other = join(work, 'other.key');
    expect(run('keygen', NAME, '--out', other).status).toBe(0);
    const r = run('publish', EXAMPLE, '--key', other, '--log', log);
    expect(r.status).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/checkpoint does not verify/);
  });

  it('verify-log refuses the wrong key, locally and over HTTP', async () => {
    const wrong = run('keygen', NAME, '--out', join(work, 'wrong.key')).stdout.trim();
    const r = run('verify-log', log, '--key', wrong);
    expect([r.status, r.stdout]).toEqual([1, '']);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/checkpoint does not verify/);
    const h = await runAsync('verify-log', `${srv.base}/config-log/`, '--key', wrong);
    expect(h.status).toBe(1);
    oneError(h.stderr);
  });

  it('verify-log refuses a tampered tile', () => {
    const copy = tempDir('tt-vendor-tampered-');
    cpSync(log, copy, { recursive: true });
    const file = join(copy, 'tile', '0', '000.p', '2'); // the level-0 tile of the size-2 tree
    const data = readFileSync(file);
    data[0]! ^= 1;
    writeFileSync(file, data);
    const r = run('verify-log', copy, '--key', verifier);
    expect([r.status, r.stdout]).toEqual([1, '']);
    oneError(r.stderr);
    expect(r.stderr).toMatch(/tile/);
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [[]],
    [['nosuch']],
    [['keygen']],
    [['keygen', NAME]],
    [['publish', EXAMPLE]],
    [['verify-log', '/nowhere']],
    [['verify-log', '/x', '--key', 'k', '--nope']],
  ])('%j', (args) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help shows examples and exits 0', () => {
    for (const c of ['keygen', 'publish', 'verify-log']) {
      const r = run(c, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n\s+\$ telemetry-server /);
    }
  });
});
