// The host must run on whatever state the telemetry directory is in: here, a directory it cannot
// write, an empty weekends file, no home directory; and counting turned off in the environment.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, countFiles, runFixture, tempDir } from '../helpers.js';
import { base, debugText, host, withDebug } from './resilience-host.js';

describe('the host runs on, counting in memory, when', () => {
  it('the directory cannot be written (a file stands where a folder should be)', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'blocker'), 'not a folder');
    const r = host(join(parent, 'blocker', 'telemetry'));
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/ENOTDIR|not a directory/);
  });

  it('the directory is read-only for this user', () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    // Root writes through permission bits, so as root the host runs as nobody, from a copy
    // of the module and the host that nobody can read wherever this checkout lives.
    const asNobody = process.getuid?.() === 0;
    let r;
    if (asNobody) {
      const pub = tempDir('tt-pub-');
      chmodSync(pub, 0o755);
      cpSync(dirname(DIST_COUNTER), join(pub, 'counter'), { recursive: true });
      cpSync(join(ROOT, 'test/fixtures/count.mjs'), join(pub, 'count.mjs'));
      r = spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(pub, 'count.mjs'),
          JSON.stringify({ ...base, dir }),
        ],
        {
          env: { ...cleanEnv(), TT_DIST_COUNTER: join(pub, 'counter', 'index.js') },
          cwd: pub,
          encoding: 'utf8',
        },
      );
    } else r = runFixture('count.mjs', { ...base, dir });
    chmodSync(dir, 0o700);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.file).toBeNull();
    expect(res.reason).toMatch(/EACCES|permission denied/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the weekends file is empty', () => {
    const dir = withDebug();
    writeFileSync(join(dir, 'local', 'weekends'), '');
    const r = host(dir);
    expect(r.file).toBeNull();
    expect(debugText(dir)).toMatch(/weekends/);
  });

  it('there is no home directory and no override: off, and nothing written anywhere', () => {
    // Like Go's os.UserConfigDir: the environment says where home is, never the passwd entry,
    // so a service started without HOME does not write into its account's home.
    const env = cleanEnv({
      HOME: undefined,
      XDG_CONFIG_HOME: undefined,
      USERPROFILE: undefined,
      APPDATA: undefined,
    });
    const tt = join(userInfo().homedir, '.config', 'transparent-telemetry');
    const listing = () =>
      existsSync(tt)
        ? [
            ...readdirSync(tt),
            ...(existsSync(join(tt, 'local')) ? readdirSync(join(tt, 'local')) : []),
          ].sort()
        : null;
    const before = listing();
    // A program name no earlier run used: a count file for it would show up in the listing.
    const r = runFixture(
      'count.mjs',
      { ...base, program: `no-home-${process.pid}-${Date.now()}` },
      env,
      tempDir(),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.mode).toBe('off');
    expect(res.reason).toMatch(/^no-directory: no telemetry directory/);
    expect(listing()).toEqual(before);
  });
});

describe('turning counting off in the environment', () => {
  for (const [k, v] of [
    ['DO_NOT_TRACK', '1'],
    ['TRANSPARENT_TELEMETRY', 'off'],
    ['HOST_TELEMETRY_DISABLED', 'true'],
  ] as const) {
    it(`${k}=${v}: nothing written, no folder created`, () => {
      const dir = join(tempDir(), 'telemetry');
      const r = host(dir, {}, cleanEnv({ [k]: v }));
      expect(r.mode).toBe('off');
      expect(r.reason).toContain(`${k}=${v}`);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it('writes no debug line unless the user made the debug folder', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'local'), 'a file where local/ should be');
    host(dir);
    expect(readdirSync(dir).sort()).toEqual(['local']);
    expect(countFiles(dir)).toEqual([]);
  });
});
