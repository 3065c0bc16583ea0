// Builds mmap-io in this repository's own checkout, from `npm start`, `npm test` and
// `npm run build` (never from an install script, so consumers never run it). mmap-io 1.1.7 pins -std=c++11,
// which Node 20's headers reject; a later -std wins, so CXXFLAGS fixes it (see docs/count-file.md, Mapping backends).
// A failed build is not fatal: mmap-io is only ever used when a test or bench forces it
// (TRANSPARENT_TELEMETRY_BACKEND=mmap-io); everyone else counts through the addon or koffi.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.cwd(), 'node_modules', 'mmap-io');
if (!existsSync(dir)) process.exit(0);
if (existsSync(join(dir, 'build', 'Release', 'mmap-io.node'))) process.exit(0);
const env = { ...process.env, CXXFLAGS: `${process.env.CXXFLAGS ?? ''} -std=gnu++17`.trim() };
const r = spawnSync('node-gyp', ['rebuild'], {
  cwd: dir,
  env,
  stdio: ['ignore', 'ignore', 'pipe'],
  shell: process.platform === 'win32',
});
if (r.status !== 0) {
  process.stderr.write(
    `warning: could not build mmap-io (only runs that force TRANSPARENT_TELEMETRY_BACKEND=mmap-io need it)\n${r.stderr ?? ''}\n`,
  );
}
