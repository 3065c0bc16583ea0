// A full file system must never kill the host. A store through a mapping into a page that has
// no block behind it (a hole) needs one at that moment; with none left the kernel raises SIGBUS
// (exit 135), which no JavaScript can catch. These tests fill real small file systems (a 1 MiB
// tmpfs, a 4 MiB ext4 image) and run real host processes whose count file must be created or
// grow into the full disk. They need root (mount); without it they are skipped, saying why.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, countFiles, readOnly } from '../helpers.js';

interface Mounted {
  kind: string;
  dir: string;
}

const mounts: Mounted[] = [];
/** An ext2 file system: it has no fallocate (EOPNOTSUPP). */
let noFallocate = '';
const base = mkdtempSync(join(tmpdir(), 'tt-full-'));
const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`,
    );
};

/** Mounts both file systems; returns why not, or null. */
function mountAll(): string | null {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'needs root to mount a small file system';
  try {
    const tmpfs = join(base, 'tmpfs');
    mkdirSync(tmpfs);
    sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tmpfs]);
    mounts.push({ kind: 'tmpfs 1 MiB', dir: tmpfs });
    const image = join(base, 'ext4.img');
    const ext4 = join(base, 'ext4');
    mkdirSync(ext4);
    writeFileSync(image, Buffer.alloc(4 << 20));
    sh('mkfs.ext4', ['-q', '-F', image]);
    sh('mount', ['-o', 'loop', image, ext4]);
    mounts.push({ kind: 'ext4 4 MiB', dir: ext4 });
    const ext2 = join(base, 'ext2');
    mkdirSync(ext2);
    writeFileSync(join(base, 'ext2.img'), Buffer.alloc(4 << 20));
    sh('mkfs.ext2', ['-q', '-F', join(base, 'ext2.img')]);
    sh('mount', ['-o', 'loop', join(base, 'ext2.img'), ext2]);
    noFallocate = ext2;
    return null;
  } catch (error) {
    return `mount failed: ${(error as Error).message}`;
  }
}

const skipReason = mountAll();
afterAll(() => {
  for (const dir of [...mounts.splice(0).map((mount) => mount.dir), noFallocate])
    if (dir) spawnSync('umount', [dir]);
  // `mount -o loop` detaches its device on umount; detach any that is left.
  for (const image of ['ext4.img', 'ext2.img']) {
    const loops =
      spawnSync('losetup', ['-j', join(base, image)], { encoding: 'utf8' }).stdout ?? '';
    for (const line of loops.split('\n'))
      if (line.includes(':')) spawnSync('losetup', ['-d', line.split(':')[0]!]);
  }
  rmSync(base, { recursive: true, force: true });
});

function emptyMount(dir: string): void {
  for (const n of readdirSync(dir))
    if (n !== 'lost+found') rmSync(join(dir, n), { recursive: true, force: true });
  spawnSync('sync', [dir]);
}

/** A telemetry directory as a first run leaves it, without any count file. */
function telemetryDir(mnt: string): string {
  const dir = join(mnt, 'tt');
  mkdirSync(join(dir, 'local'), { recursive: true });
  writeFileSync(join(dir, 'local', 'weekends'), '0\n');
  return dir;
}

/** Fills the file system to the last block, then frees `leave` bytes of it. */
function fillUp(mnt: string, leave: number): void {
  const fd = openSync(join(mnt, 'filler'), 'w');
  try {
    for (const chunk of [65536, 4096, 1024, 1]) {
      const buf = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          writeSync(fd, buf);
        } catch {
          break; // ENOSPC: on to smaller writes
        }
      }
    }
    const size = fstatSync(fd).size;
    ftruncateSync(fd, Math.max(0, size - leave));
  } finally {
    closeSync(fd);
  }
  spawnSync('sync', [mnt]);
}

interface HostRun {
  status: number | null;
  signal: string | null;
  stderr: string;
  open: Record<string, unknown>;
  atExit: Record<string, unknown>;
}

/** Real host processes at once (test/fixtures/count.mjs), each printing open() at start and at exit. */
function hosts(specs: object[], backend: string): Promise<HostRun[]> {
  return Promise.all(
    specs.map(
      (spec) =>
        new Promise<HostRun>((done) => {
          const env = {
            ...cleanEnv({ TRANSPARENT_TELEMETRY_BACKEND: backend }),
            TT_DIST_COUNTER: DIST_COUNTER,
          };
          const p = spawn(
            process.execPath,
            [
              join(ROOT, 'test', 'fixtures', 'count.mjs'),
              JSON.stringify({ ...spec, atExit: true }),
            ],
            { env },
          );
          let out = '';
          let err = '';
          p.stdout.on('data', (chunk) => (out += chunk));
          p.stderr.on('data', (chunk) => (err += chunk));
          p.on('close', (status, signal) => {
            const [first, last] = out
              .trim()
              .split('\n')
              .map((line) => {
                try {
                  return JSON.parse(line);
                } catch {
                  return {};
                }
              });
            done({ status, signal, stderr: err, open: first ?? {}, atExit: last ?? {} });
          });
        }),
    ),
  );
}

const spec = (dir: string, prefix: string, count: number) => ({
  dir,
  program: 'full',
  version: '1.0.0',
  after: [['full/shared', 1]],
  many: { prefix, count },
});

function expectAlive(runs: HostRun[]): void {
  for (const r of runs) {
    expect(r.signal, `host killed by ${r.signal} (exit ${128 + 7}): ${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.open).toMatchObject({ mode: 'local', program: { name: 'full' } });
  }
}

const inMemory = {
  file: null,
  backend: null,
  reason: expect.stringMatching(/counting in memory: .*(ENOSPC|no space)/),
};

/** Every count file there is must parse; each one host's name counted once, if it landed. */
function expectReadable(dir: string): Map<string, bigint>[] {
  return countFiles(dir).map((file) => {
    const counts = readOnly(file).counts;
    for (const [name, n] of counts) if (name.startsWith('full/h')) expect(n, name).toBe(1n);
    return counts;
  });
}

const cases = skipReason
  ? []
  : mounts.flatMap((mount) =>
      ['addon', 'koffi', 'mmap-io'].map((backend) => ({ ...mount, backend })),
    );

describe('a full file system', () => {
  if (skipReason) it.skip(`full-disk tests skipped: ${skipReason}`, () => {});

  if (!skipReason) {
    it('a file system that cannot reserve blocks (ext2): counted in memory, saying why', async () => {
      const dir = telemetryDir(noFallocate);
      const runs = await hosts([spec(dir, 'full/h0/', 300)], 'koffi');
      expectAlive(runs);
      expect(runs[0]!.atExit).toMatchObject({
        file: null,
        reason: expect.stringMatching(/cannot reserve bytes 0 to 16384: fallocate: EOPNOTSUPP/),
      });
      expect(countFiles(dir)).toEqual([]);
    });
  }

  for (const { kind, dir: mnt, backend } of cases) {
    describe(`${kind}, ${backend}`, () => {
      // 8 KiB: room for the header's block, not for the whole first page; 0: not even that.
      for (const leave of [8192, 0]) {
        it(`creation into a full disk (${leave} bytes free): the host runs on, counting in memory, and leaves no broken file`, async () => {
          emptyMount(mnt);
          const dir = telemetryDir(mnt);
          fillUp(mnt, leave);
          const runs = await hosts(
            [spec(dir, 'full/h0/', 3000), spec(dir, 'full/h1/', 3000)],
            backend,
          );
          expectAlive(runs);
          for (const r of runs) expect(r.open).toMatchObject(inMemory);
          for (const r of runs) expect(r.atExit).toMatchObject(inMemory);
          expect(countFiles(dir)).toEqual([]);
        });
      }

      it('growth into a full disk: the host runs on, the rest of its names count in memory', async () => {
        emptyMount(mnt);
        const dir = telemetryDir(mnt);
        const [first] = await hosts([spec(dir, 'full/first/', 10)], backend);
        expectAlive([first!]);
        expect(first!.atExit).toMatchObject({ file: expect.stringContaining(dir) });
        fillUp(mnt, 4096); // less than one page of 16 KiB
        const runs = await hosts(
          [0, 1, 2].map((i) => spec(dir, `full/h${i}/`, 3000)),
          backend,
        );
        expectAlive(runs);
        for (const r of runs) expect(r.open.file).toEqual(first!.atExit.file);
        expect(runs.some((run) => run.atExit.file === null)).toBe(true);
        for (const r of runs) if (r.atExit.file === null) expect(r.atExit).toMatchObject(inMemory);
        const [counts] = expectReadable(dir);
        expect(counts!.get('full/first/9')).toBe(1n);
        expect([...counts!.keys()].filter((key) => key.startsWith('full/h')).length).toBeLessThan(
          9000,
        );
      });

      it('a sparse file left by an older version, on a full disk: counted in memory, not crashed', async () => {
        emptyMount(mnt);
        const dir = telemetryDir(mnt);
        const [first] = await hosts([spec(dir, 'full/first/', 10)], backend);
        expectAlive([first!]);
        const file = first!.atExit.file as string;
        // Older versions grew files by writing only each page's last 4 bytes: holes elsewhere.
        sh('fallocate', ['--punch-hole', '--offset', '4096', '--length', '12288', file]);
        fillUp(mnt, 0);
        const runs = await hosts([spec(dir, 'full/h0/', 3000)], backend);
        expectAlive(runs);
        expect(runs[0]!.atExit).toMatchObject(inMemory);
        expect(existsSync(file)).toBe(true);
        expect(expectReadable(dir)[0]!.get('full/first/9')).toBe(1n);
      });
    });
  }
});
