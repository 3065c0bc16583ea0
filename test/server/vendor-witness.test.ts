// The built `telemetry-server` bin as real processes on real temp dirs: keygen --witness and a
// keygen whose write fails, cosign as a witness (first use, a later publish, refused rollbacks and
// forks, every other signature kept, the checkpoint replaced by rename), and show of a directory
// and over HTTP on 127.0.0.1 with witnesses and a quorum; the client reads what the witnesses cosigned.
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchVerifiedConfig, parseConfig } from '../../config/index.js';
import { tempDir } from '../helpers.js';
import { serveLogDir } from '../log-server.js';
import { spawnSync } from 'node:child_process';
import { BIN, BIN_ENV, EXAMPLE, type Run, run, runAsync } from './bin.js';

const refused = (run: Run, status: number, pattern: RegExp): void => {
  expect([run.status, run.stdout]).toEqual([status, '']);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^error: /);
  expect(run.stderr.trim()).toMatch(pattern);
};

const work = tempDir('tt-witness-cmd-');
const at = (file: string): string => join(work, file);
const log = at('log');
const cp = (): string => readFileSync(join(log, 'checkpoint'), 'utf8');
const sigNames = (note: string): string[] =>
  note
    .split('\n\n')[1]!
    .trimEnd()
    .split('\n')
    .map((line) => line.split(' ')[1]!);
const keys: Record<string, string> = {};
const config2 = at('config2.json');
writeFileSync(
  config2,
  readFileSync(EXAMPLE, 'utf8').replace('"SampleRate": 1', '"SampleRate": 0.25'),
);

describe('keygen --witness', () => {
  it('writes a type 0x04 key pair: the private key with mode 0600, the verifier key on stdout', () => {
    const l = run('keygen', 'collector.test/config', '--out', at('log.key'));
    expect(l.status).toBe(0);
    keys.log = l.stdout.trim();
    for (const w of ['w1', 'w2', 'w3']) {
      const r = run('keygen', `${w}.witness.test`, '--witness', '--out', at(`${w}.key`));
      expect([r.status, r.stderr]).toEqual([
        0,
        `wrote the private witness key to ${at(`${w}.key`)} (mode 0600); keep it secret\n`,
      ]);
      keys[w] = r.stdout.trim();
      expect(keys[w]).toMatch(
        new RegExp(`^${w}\\.witness\\.test\\+[0-9a-f]{8}\\+B[A-P][A-Za-z0-9+/]{42}$`),
      ); // base64 of 0x04 || 32 bytes
      expect(statSync(at(`${w}.key`)).mode & 0o777).toBe(0o600);
      expect(readFileSync(at(`${w}.key`), 'utf8')).toMatch(
        /^PRIVATE\+KEY\+w\d\.witness\.test\+[0-9a-f]{8}\+B[A-P]/,
      );
    }
  });

  it('leaves no key file and no temporary file when the write fails (a file size limit of 0)', () => {
    const dir = tempDir('tt-keygen-full-');
    const out = join(dir, 'w.key');
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        `ulimit -f 0 && exec "${process.execPath}" "${BIN}" keygen w.test --witness --out "${out}"`,
      ],
      { encoding: 'utf8', env: BIN_ENV, timeout: 60_000 },
    );
    refused(r, 1, /^error: cannot write .*w\.key: EFBIG$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('cosign and show', () => {
  const logKey = (): string => at('log.key'); // the log's signer; keys.log verifies it
  const cosign = (week: string, extra: string[] = []) =>
    run(
      'cosign',
      '--log',
      log,
      '--key',
      keys.log!,
      '--witness-key',
      at(`${week}.key`),
      '--state',
      at(`state-${week}`),
      ...extra,
    );
  const srv = serveLogDir(() => log);

  it('cosigns a published log on first use, keeping the log signature, replacing the file by rename', () => {
    expect(run('publish', EXAMPLE, '--key', logKey(), '--log', log).status).toBe(0);
    const ino = statSync(join(log, 'checkpoint')).ino;
    const r = cosign('w1');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(
      /^cosigned collector\.test\/config at tree size 1 \(root [A-Za-z0-9+/]{43}=\) as w1\.witness\.test, time \d+\n$/,
    );
    expect(sigNames(cp())).toEqual(['collector.test/config', 'w1.witness.test']);
    expect(statSync(join(log, 'checkpoint')).ino).not.toBe(ino);
    expect(readdirSync(log).sort()).toEqual(['checkpoint', 'tile']);
    const json = JSON.parse(cosign('w2', ['--json']).stdout);
    expect([json.treeSize, json.witness, json.origin]).toEqual([
      1,
      'w2.witness.test',
      'collector.test/config',
    ]);
    expect(sigNames(cp())).toEqual(['collector.test/config', 'w1.witness.test', 'w2.witness.test']);
    expect(cosign('w1').status).toBe(0); // again: its own line replaced, the others kept
    expect(sigNames(cp())).toEqual(['collector.test/config', 'w2.witness.test', 'w1.witness.test']);
  });

  it('show prints the config in force from the directory, with its version, size and SHA-256', () => {
    const r = run('show', log, '--key', keys.log!, '--witness', keys.w1!, '--witness', keys.w2!);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const sha = createHash('sha256').update(readFileSync(EXAMPLE)).digest('hex');
    expect(r.stdout).toContain(`config v0 in force: log index 0, tree size 1, sha256 ${sha}\n`);
    expect(r.stdout).toContain('cosigned by w1.witness.test, w2.witness.test (2 of 2, quorum 2)');
    expect(r.stdout).toMatch(
      /SampleRate: 1\n.*GOOS.*darwin, linux, win32\n[\s\S]*program demo-tool\n {2}versions: >=1\.0\.0 <2\n {2}counters:\n {4}demo-tool\/invocations {2}rate 1\n[\s\S]* {4}demo-tool\/error {2}rate 1 {2}depth 4\n$/,
    );
    const json = JSON.parse(run('show', log, '--key', keys.log!, '--json').stdout);
    expect(json).toEqual({
      index: 0,
      version: 'v0',
      treeSize: 1,
      sha256: sha,
      config: parseConfig(readFileSync(EXAMPLE)),
    });
  });

  it('cosigns a later publish only as an extension, and refuses a rollback and a fork, leaving the checkpoint alone', () => {
    const old = tempDir('tt-witness-old-');
    cpSync(log, old, { recursive: true });
    expect(run('publish', config2, '--key', logKey(), '--log', log).status).toBe(0);
    expect(sigNames(cp())).toEqual(['collector.test/config']); // a new checkpoint: cosign again
    expect(cosign('w1').status).toBe(0);
    expect(cosign('w3').status).toBe(0);
    const newer = tempDir('tt-witness-new-');
    cpSync(log, newer, { recursive: true });
    // Rollback: the size-1 log served again.
    cpSync(old, log, { recursive: true, force: true });
    let before = cp();
    refused(
      cosign('w1'),
      1,
      /refusing to cosign: .*checkpoint: log size 1 is below the trusted size 2/,
    );
    expect(cp()).toBe(before);
    // Fork: another size-2 history signed by the same log key.
    cpSync(old, log, { recursive: true, force: true });
    const other = at('other.json');
    writeFileSync(
      other,
      readFileSync(EXAMPLE, 'utf8').replace('"SampleRate": 1', '"SampleRate": 0.75'),
    );
    expect(run('publish', other, '--key', logKey(), '--log', log).status).toBe(0);
    before = cp();
    refused(
      cosign('w1'),
      1,
      /refusing to cosign: .*root of size 2 differs from the trusted root: the log forked/,
    );
    expect(cp()).toBe(before);
    cpSync(newer, log, { recursive: true, force: true });
  });

  it('refuses a wrong log key, a loose or wrong witness key file, and a checkpoint that does not verify', () => {
    const wrong = run('keygen', 'collector.test/config', '--out', at('wrong.key')).stdout.trim();
    const before = cp();
    refused(
      run(
        'cosign',
        '--log',
        log,
        '--key',
        wrong,
        '--witness-key',
        at('w1.key'),
        '--state',
        at('state-w1'),
      ),
      1,
      /refusing to cosign: .*not signed by the pinned key/,
    );
    chmodSync(at('w3.key'), 0o644);
    refused(cosign('w3'), 1, /mode 0644/);
    chmodSync(at('w3.key'), 0o600);
    refused(
      run(
        'cosign',
        '--log',
        log,
        '--key',
        keys.log!,
        '--witness-key',
        logKey(),
        '--state',
        at('s'),
      ),
      1,
      /witness key file .*signature type 0x01 is an ed25519 note key; want 0x04/,
    );
    refused(
      run(
        'cosign',
        '--log',
        log,
        '--key',
        'nonsense',
        '--witness-key',
        at('w1.key'),
        '--state',
        at('s'),
      ),
      2,
      /^error: --key: /,
    );
    expect(cp()).toBe(before);
  });

  it('show over HTTP, as the collector URL or the log URL, with a quorum met and not met; the client agrees', async () => {
    for (const url of [srv.base, `${srv.base}/config-log/`]) {
      const r = await runAsync(
        'show',
        url,
        '--key',
        keys.log!,
        '--witness',
        keys.w1!,
        '--witness',
        keys.w2!,
        '--witness',
        keys.w3!,
        '--quorum',
        '2',
        '--json',
      );
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toMatchObject({
        index: 1,
        version: 'v1',
        treeSize: 2,
        config: { SampleRate: 0.25 },
      });
    }
    const all = await runAsync(
      'show',
      srv.base,
      '--key',
      keys.log!,
      '--witness',
      keys.w1!,
      '--witness',
      keys.w2!,
      '--witness',
      keys.w3!,
    );
    refused(
      all,
      1,
      /cosigned by 2 of 3 pinned witnesses, 3 needed \(verified: w1\.witness\.test, w3\.witness\.test; w2\.witness\.test: no cosignature\) \(EWITNESS\)$/,
    );
    const got = await fetchVerifiedConfig({
      url: srv.base,
      key: keys.log!,
      stateDir: tempDir('tt-witness-client-'),
      witnesses: [keys.w1!, keys.w3!],
    });
    expect([got.index, got.cosignedBy]).toEqual([1, ['w1.witness.test', 'w3.witness.test']]);
  });

  it('show: usage errors exit 2, a log that fails exits 1', () => {
    refused(
      run('show', log, '--key', keys.log!, '--witness', keys.w1!, '--quorum', '2'),
      2,
      /--quorum 2 is not a whole number from 1 to 1/,
    );
    refused(
      run('show', log, '--key', keys.log!, '--quorum', '1'),
      2,
      /--quorum 1 is not a whole number from 1 to 0/,
    );
    refused(
      run('show', log, '--key', keys.log!, '--witness', keys.log!),
      2,
      /^error: --witness: .*want 0x04/,
    );
    refused(run('show', log, '--key', keys.w1!), 2, /^error: --key: .*want 0x01/);
    expect(run('show', log).status).toBe(2);
    refused(run('show', at('nowhere'), '--key', keys.log!), 1, /nowhere\/checkpoint: .*\(EREAD\)$/);
    for (const c of ['show', 'cosign', 'keygen'])
      expect(run(c, '--help').stdout).toMatch(/Examples:\n\s+\$ telemetry-server /);
  });
});
