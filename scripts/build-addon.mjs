// Builds the mapping addon (native/tt_mmap.c) for every shipped platform from this machine,
// with a pinned zig (PyPI's `ziglang`, installed by pip into a cache folder, never system-wide)
// and the pinned `node-api-headers` (a dev dependency). `npm run build:addon`. The binaries are
// committed (native/prebuilds/), so neither `npm ci`, the tests nor a tool's install need a
// compiler; native/prebuilds/manifest.json records the source's hash beside them, and
// test/counter/addon.test.ts fails when the source changed without a rebuild.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ZIG_VERSION = '0.17.1';
const SOURCE = 'native/tt_mmap.c';
const OUT = 'native/prebuilds';
const HEADERS = 'node_modules/node-api-headers';

/** Folder name (what counter/mmap/addon.ts looks for) → zig target and extra flags. */
export const TARGETS = {
  'linux-x64-gnu': { target: 'x86_64-linux-gnu.2.17', flags: ['-fPIC'] },
  'linux-arm64-gnu': { target: 'aarch64-linux-gnu.2.17', flags: ['-fPIC'] },
  'linux-x64-musl': { target: 'x86_64-linux-musl', flags: ['-fPIC'] },
  'linux-arm64-musl': { target: 'aarch64-linux-musl', flags: ['-fPIC'] },
  // Node-API symbols come from the node executable that loads the addon.
  'darwin-x64': { target: 'x86_64-macos', flags: ['-Wl,-undefined,dynamic_lookup'] },
  'darwin-arm64': { target: 'aarch64-macos', flags: ['-Wl,-undefined,dynamic_lookup'] },
  // Linked against an import library of NODE.EXE made from the headers' .def files.
  'win32-x64': { target: 'x86_64-windows-gnu', flags: [], windows: true },
};

/** What the binaries are built from: the source, the headers' version and the compiler's. */
export function sourceHash(root = '.') {
  const headers = JSON.parse(readFileSync(join(root, HEADERS, 'package.json'), 'utf8')).version;
  return createHash('sha256')
    .update(readFileSync(join(root, SOURCE)))
    .update(`\0node-api-headers@${headers}\0zig@${ZIG_VERSION}\0${JSON.stringify(TARGETS)}`)
    .digest('hex');
}

const cache = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'transparent-telemetry-build',
);
const zigDir = join(cache, `ziglang-${ZIG_VERSION}`);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

function ensureZig() {
  if (existsSync(join(zigDir, 'ziglang', '__main__.py'))) return;
  run('python3', [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--target',
    zigDir,
    `ziglang==${ZIG_VERSION}`,
  ]);
}

function zig(args) {
  run('python3', ['-m', 'ziglang', ...args], {
    PYTHONPATH: zigDir,
    ZIG_GLOBAL_CACHE_DIR: join(cache, 'zig-cache'),
    ZIG_LOCAL_CACHE_DIR: join(cache, 'zig-cache'),
  });
}

/** An import library for NODE.EXE from the headers' .def files (js_native_api and node_api). */
function windowsImportLib(dir) {
  const defs = ['js_native_api.def', 'node_api.def'].map((file) =>
    readFileSync(join(HEADERS, 'def', file), 'utf8'),
  );
  const symbols = new Set(
    defs.flatMap((def) =>
      def
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /^napi_|^node_api_/.test(line)),
    ),
  );
  const def = join(dir, 'node.def');
  writeFileSync(def, `LIBRARY NODE.EXE\nEXPORTS\n${[...symbols].sort().join('\n')}\n`);
  const lib = join(dir, 'node.lib');
  zig(['dlltool', '-d', def, '-l', lib, '-m', 'i386:x86-64']);
  return lib;
}

function build() {
  ensureZig();
  const work = join(cache, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const binaries = {};
  for (const [name, spec] of Object.entries(TARGETS)) {
    const dir = join(OUT, name);
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'tt_mmap.node');
    const libs = spec.windows ? [windowsImportLib(work)] : [];
    // -s and no build id: the same source gives the same bytes on every machine.
    const reproducible = spec.windows ? ['-s'] : ['-s', '-Wl,--build-id=none'];
    zig([
      'cc',
      '-target',
      spec.target,
      '-shared',
      '-O2',
      '-std=c11',
      '-Wall',
      '-Werror',
      '-I',
      join(HEADERS, 'include'),
      ...spec.flags,
      ...(spec.target.includes('macos') ? ['-s'] : reproducible),
      '-o',
      out,
      SOURCE,
      ...libs,
    ]);
    rmSync(`${out}.o`, { force: true });
    rmSync(join(dir, 'tt_mmap.pdb'), { force: true });
    rmSync(join(dir, 'tt_mmap.lib'), { force: true });
    binaries[name] = createHash('sha256').update(readFileSync(out)).digest('hex');
    console.log(`${name}: ${readFileSync(out).length} bytes`);
  }
  const manifest = { source: sourceHash(), zig: ZIG_VERSION, binaries };
  writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) build();
