// The shipped mapping addon (native/): the committed binaries are built from the current
// source, each is a loadable library for the platform its folder names, the one for this
// machine loads and maps, and where none loads the toolkit falls back to koffi.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addonTargets } from '../../counter/mmap/index.js';
import { ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';

interface Manifest {
  source: string;
  zig: string;
  binaries: Record<string, string>;
}
const build = await import('../../scripts/build-addon.mjs');
const PREBUILDS = join(ROOT, 'native', 'prebuilds');
const manifest = JSON.parse(readFileSync(join(PREBUILDS, 'manifest.json'), 'utf8')) as Manifest;
const binary = (name: string) => readFileSync(join(PREBUILDS, name, 'tt_mmap.node'));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** What the file's header says: its format, CPU and whether it is a shared library. */
function describeBinary(bytes: Buffer): { format: string; cpu: string; library: boolean } {
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    // ELF, 64-bit little-endian: e_type at 16, e_machine at 18.
    const machine = bytes.readUInt16LE(18);
    const cpu = { 62: 'x64', 183: 'arm64' }[machine] ?? `machine ${machine}`;
    const format = bytes[4] === 2 && bytes[5] === 1 ? 'elf64le' : 'elf-other';
    return { format, cpu, library: bytes.readUInt16LE(16) === 3 };
  }
  if (bytes.readUInt32LE(0) === 0xfeedfacf) {
    // 64-bit Mach-O: cputype at 4, filetype at 12 (6 = dylib, 8 = bundle).
    const type = bytes.readUInt32LE(4);
    const cpu = { 0x01000007: 'x64', 0x0100000c: 'arm64' }[type] ?? `cputype ${type}`;
    return { format: 'macho64', cpu, library: [6, 8].includes(bytes.readUInt32LE(12)) };
  }
  if (bytes.toString('latin1', 0, 2) === 'MZ') {
    const pe = bytes.readUInt32LE(0x3c);
    const signed = bytes.toString('latin1', pe, pe + 4) === 'PE\0\0';
    if (!signed) return { format: 'mz', cpu: '?', library: false };
    const machine = bytes.readUInt16LE(pe + 4);
    const cpu = { 0x8664: 'x64', 0xaa64: 'arm64' }[machine] ?? `machine ${machine}`;
    return { format: 'pe', cpu, library: (bytes.readUInt16LE(pe + 22) & 0x2000) !== 0 };
  }
  return { format: 'unknown', cpu: '?', library: false };
}

const EXPECTED: Record<string, { format: string; cpu: string }> = {
  'linux-x64-gnu': { format: 'elf64le', cpu: 'x64' },
  'linux-arm64-gnu': { format: 'elf64le', cpu: 'arm64' },
  'linux-x64-musl': { format: 'elf64le', cpu: 'x64' },
  'linux-arm64-musl': { format: 'elf64le', cpu: 'arm64' },
  'darwin-x64': { format: 'macho64', cpu: 'x64' },
  'darwin-arm64': { format: 'macho64', cpu: 'arm64' },
  'win32-x64': { format: 'pe', cpu: 'x64' },
};

describe('the committed addon binaries', () => {
  it('were built from the current source, headers and compiler (else: npm run build:addon)', () => {
    expect(manifest.zig).toBe(build.ZIG_VERSION);
    const why = 'native/tt_mmap.c changed since the binaries were built';
    expect(manifest.source, why).toBe(build.sourceHash(ROOT));
  });

  it('are exactly the ones the manifest lists, one per target, and nothing else', () => {
    const folders = readdirSync(PREBUILDS)
      .filter((name) => name !== 'manifest.json')
      .sort();
    expect(folders).toEqual(Object.keys(build.TARGETS).sort());
    expect(Object.keys(manifest.binaries).sort()).toEqual(folders);
    for (const name of folders) {
      expect(readdirSync(join(PREBUILDS, name)), name).toEqual(['tt_mmap.node']);
      expect(sha256(binary(name)), name).toBe(manifest.binaries[name]);
    }
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: a ${want.format} shared library for ${want.cpu}, small`, () => {
      const bytes = binary(name);
      expect(describeBinary(bytes)).toEqual({ ...want, library: true });
      expect(bytes.length).toBeLessThan(128 * 1024);
      // Linked against the right C library, and (Windows) against node.exe for Node-API.
      const text = bytes.toString('latin1');
      if (name.endsWith('-gnu')) expect(text).toContain('libc.so.6');
      if (name.endsWith('-musl')) expect(text).not.toContain('libc.so.6');
      if (name.startsWith('win32')) expect(text).toContain('NODE.EXE');
    });
  }

  it('cover what the loader looks for on every platform they are built for', () => {
    const systems = ['linux', 'darwin', 'win32'];
    const forArch = (arch: string) => systems.flatMap((system) => addonTargets(system, arch));
    const looked = new Set(['x64', 'arm64'].flatMap(forArch));
    for (const name of Object.keys(EXPECTED)) expect(looked.has(name), name).toBe(true);
  });
});

const LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';

describe.runIf(LINUX_X64)('the addon on this machine', () => {
  const file = join(PREBUILDS, 'linux-x64-gnu', 'tt_mmap.node');
  const load = () =>
    createRequire(import.meta.url)(file) as {
      map(descriptor: unknown, length: unknown): ArrayBuffer;
      reserve(descriptor: unknown, offset: unknown, length: unknown): number;
    };

  it('reserves blocks, maps a file shared and writes through to it', () => {
    const native = load();
    const file = join(tempDir(), 'f');
    const fd = openSync(file, 'w+');
    try {
      expect(native.reserve(fd, 0, 8192)).toBe(0);
      const view = new BigUint64Array(native.map(fd, 8192));
      Atomics.add(view, 3, 41n);
      expect(readFileSync(file).readBigUInt64LE(24)).toBe(41n);
    } finally {
      closeSync(fd);
    }
  });

  it('rejects bad arguments with an error, reports a failed mmap by errno, never crashes', () => {
    const native = load();
    expect(() => native.map('3', 4096)).toThrow(TypeError);
    expect(() => native.map(3, -1)).toThrow(TypeError);
    expect(() => native.map(3, 0)).toThrow(RangeError);
    expect(() => native.map(3, 2 ** 40)).toThrow(RangeError);
    expect(() => native.map(1e6, 4096)).toThrow(/mmap failed, errno 9/);
    expect(native.reserve(1e6, 0, 4096)).toBe(9); // EBADF
  });
});

describe('where the addon does not load', () => {
  /** A copy of the built package whose native/prebuilds holds what `prebuilds` writes. */
  function packageCopy(prebuilds: (dir: string) => void): string {
    const pkg = tempDir('tt-pkg-');
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    mkdirSync(join(pkg, 'node_modules'));
    for (const dep of ['koffi', '@koromix']) {
      symlinkSync(join(ROOT, 'node_modules', dep), join(pkg, 'node_modules', dep));
    }
    prebuilds(join(pkg, 'native', 'prebuilds'));
    return pkg;
  }

  const cases: Record<string, (dir: string) => void> = {
    'no prebuilt binary for this platform': () => {},
    'a damaged binary': (dir) => {
      for (const target of addonTargets()) {
        mkdirSync(join(dir, target), { recursive: true });
        writeFileSync(join(dir, target, 'tt_mmap.node'), 'not a library');
      }
    },
  };
  for (const [title, prebuilds] of Object.entries(cases)) {
    it(`${title}: koffi counts instead, into the same file format`, () => {
      const pkg = packageCopy(prebuilds);
      const dir = tempDir();
      const entry = pathToFileURL(join(pkg, 'dist', 'counter', 'index.js')).href;
      const code = `const { open, inc } = await import(${JSON.stringify(entry)});
        const r = open({ dir: ${JSON.stringify(dir)}, program: 'fb', version: '1' }); inc('fb/x');
        console.log(JSON.stringify(r));`;
      const options = { env: cleanEnv(), encoding: 'utf8', timeout: 20_000 } as const;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], options);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'local', backend: 'koffi' });
      expect(soleCounts(dir).get('fb/x')).toBe(1n);
    });
  }
});
