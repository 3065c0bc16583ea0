// Makes sure a Chromium binary exists for the browser tests (test/view). playwright-core does
// not download browsers, so on Debian we take the distribution's package; anywhere else the
// developer points CHROMIUM_PATH at a browser they already have.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function fail(msg) {
  console.error(`error: ${msg}`);
  process.exit(1);
}

function run(cmd, args) {
  console.log(`ensure-chromium: ${cmd} ${args.join(' ')}`);
  // apt is chatty; keep its output but make it non-interactive.
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) fail(`${cmd} could not start (${r.error.message})`);
  if (r.status !== 0) fail(`${cmd} ${args[0]} exited with status ${r.status}`);
}

if (existsSync(path)) {
  console.log(`ensure-chromium: found ${path}`);
  process.exit(0);
}
if (process.env.CHROMIUM_PATH) fail(`CHROMIUM_PATH=${path} does not exist`);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!existsSync('/etc/debian_version') || !existsSync('/usr/bin/apt-get')) {
  fail(`${path} is missing and this is not Debian; install Chromium and set CHROMIUM_PATH`);
}
if (!isRoot)
  fail(`${path} is missing; run as root, or: sudo apt-get install chromium (or set CHROMIUM_PATH)`);

console.log(`ensure-chromium: ${path} is missing, installing the Debian package`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
if (!existsSync(path)) fail(`apt-get installed chromium but ${path} is still missing`);
console.log(`ensure-chromium: installed ${path}`);
