// The host must run on whatever state the telemetry directory is in.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../counter/countfile/index.js';
import {
  DIST_COUNTER,
  ROOT,
  cleanEnv,
  countFiles,
  readOnly,
  runFixture,
  tempDir,
} from '../helpers.js';

const NOW = '2026-11-23T12:00:00Z';
const base = { program: 'host', version: '1.0.0', now: NOW, after: [['host/ran', 1]] };

/** Runs the host; it must exit 0 and print its open() result. */
function host(dir: string, extra: object = {}, env = cleanEnv()) {
  const r = runFixture('count.mjs', { ...base, dir, ...extra }, env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { mode: string; file: string | null; reason: string };
}

function withDebug() {
  const dir = tempDir();
  mkdirSync(join(dir, 'debug'));
  mkdirSync(join(dir, 'local'));
  writeFileSync(join(dir, 'local', 'weekends'), '4\n');
  return dir;
}

/** A counter name that hashes to the same bucket as `name`, so looking it up walks `name`'s chain. */
function inBucketOf(name: string): string {
  const want = bucketOf(Buffer.from(name));
  for (let i = 0; ; i++)
    if (bucketOf(Buffer.from(`host/same-${i}`)) === want) return `host/same-${i}`;
}

const debugText = (dir: string) =>
  readdirSync(join(dir, 'debug'))
    .map((f) => readFileSync(join(dir, 'debug', f), 'utf8'))
    .join('');

describe('the host runs on, counting in memory, when', () => {
  it('the count file is garbage', () => {
    const dir = withDebug();
    const first = host(dir);
    writeFileSync(first.file!, Buffer.alloc(20000, 0x41));
    const r = host(dir);
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/header mismatch/);
    expect(debugText(dir)).toMatch(/header mismatch/);
    expect(readFileSync(first.file!).subarray(0, 4).toString()).toBe('AAAA'); // never overwritten
  });

  it('a short foreign file has the count file name: it is left untouched', () => {
    const dir = withDebug();
    const first = host(dir);
    writeFileSync(first.file!, 'not a count file, and not ours to overwrite\n');
    const r = host(dir);
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/header mismatch/);
    expect(readFileSync(first.file!, 'utf8')).toBe('not a count file, and not ours to overwrite\n');
  });

  it('the count file was truncated after growing', () => {
    const dir = withDebug();
    const r1 = host(dir, { many: { prefix: 'host/many/', count: 1000 } });
    expect(statSync(r1.file!).size).toBeGreaterThan(16384);
    truncateSync(r1.file!, 16384);
    const r2 = host(dir, { many: { prefix: 'host/many/', count: 1000 } });
    expect(r2.file).toBeNull();
    expect(r2.reason).toMatch(/past the end of the file/);
    expect(debugText(dir)).toMatch(/truncated/);
    expect(statSync(r1.file!).size).toBe(16384);
  });

  it('the file has the same name but other metadata', () => {
    const dir = withDebug();
    const r1 = host(dir);
    const bytes = readFileSync(r1.file!);
    bytes.write('Version: 9.9.9', bytes.indexOf('Version: 1.0.0'));
    writeFileSync(r1.file!, bytes);
    const r2 = host(dir);
    expect(r2.reason).toMatch(/header mismatch/);
    expect(readOnly(r1.file!).counts.get('host/ran')).toBe(1n);
  });

  it('a chain pointer is corrupt when the host opens: the file is left untouched, counts stay in memory', () => {
    const dir = withDebug();
    const r1 = host(dir, {
      after: [
        ['host/a', 1],
        ['host/b', 1],
      ],
    });
    const bytes = readFileSync(r1.file!);
    const a = bytes.indexOf('host/a') - 16;
    bytes.writeUInt32LE(16384 - 64, a + 12); // host/a's next pointer now points at an empty slot
    writeFileSync(r1.file!, bytes);
    const r2 = host(dir, {
      after: [
        ['host/a', 1],
        [inBucketOf('host/a'), 1],
        ['host/zz-other', 1],
      ],
    });
    expect(r2.file).toBeNull();
    expect(r2.reason).toMatch(/corrupt counter file: .*16320/);
    expect(Buffer.compare(readFileSync(r1.file!), bytes)).toBe(0);
    expect(debugText(dir)).toMatch(/counting in memory: .*corrupt counter file/);
  });

  it('a chain pointer turns corrupt while the host counts: the lookup walks into it, and the process moves to memory once', () => {
    const dir = withDebug();
    const r1 = host(dir, {
      after: [
        ['host/a', 1],
        ['host/b', 1],
      ],
    });
    const a = readFileSync(r1.file!).indexOf('host/a') - 16;
    const spec = {
      dir,
      program: 'host',
      version: '1.0.0',
      now: NOW,
      poke: [[a + 12, 16384 - 64]],
      names: [inBucketOf('host/a'), 'host/zz-other'],
      times: 1000,
    };
    const r = runFixture('poke.mjs', spec, cleanEnv());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.file).toBe(r1.file); // the file was sound at open
    expect(out.again.file).toBeNull();
    expect(out.again.reason).toMatch(/counting in memory: .*corrupt counter file/);
    expect(out.debugNow).toEqual([]); // nothing written from inside an increment
    const lines = debugText(dir).trim().split('\n');
    expect(lines).toHaveLength(1); // once, not once per increment
    expect(lines[0]).toMatch(/counting in memory: .*corrupt counter file/);
    const after = readFileSync(r1.file!);
    expect(after.readUInt32LE(a + 12)).toBe(16384 - 64);
    expect(after.indexOf('host/zz-other')).toBe(-1); // nothing more was written to the damaged file
  });

  for (const [what, make] of [
    ['a FIFO', (f: string) => execFileSync('mkfifo', [f])],
    ['a symbolic link to /dev/zero', (f: string) => symlinkSync('/dev/zero', f)],
    [
      'a symbolic link to an empty file elsewhere',
      (f: string) => {
        const target = join(tempDir(), 'empty');
        writeFileSync(target, '');
        symlinkSync(target, f);
      },
    ],
  ] as const) {
    it(`${what} stands at the count file's name: the host does not block, writes nothing through it, and leaves it there`, () => {
      const dir = withDebug();
      const first = host(dir);
      const file = first.file!;
      rmSync(file);
      make(file);
      const before = lstatSync(file);
      const r = runFixture('count.mjs', { ...base, dir }, cleanEnv(), ROOT, 10_000);
      expect(r.error).toBeUndefined(); // no hang: killed after 10 s otherwise
      expect(r.status).toBe(0);
      const res = JSON.parse(r.stdout);
      expect(res.file).toBeNull();
      expect(res.reason).toMatch(/is not a regular file|is a symbolic link/);
      const after = lstatSync(file);
      expect([after.ino, after.mode, after.size]).toEqual([before.ino, before.mode, before.size]);
      if (after.isSymbolicLink() && readlinkSync(file) !== '/dev/zero')
        expect(statSync(file).size).toBe(0); // nothing written through it
    });
  }

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
