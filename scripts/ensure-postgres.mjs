// A real PostgreSQL for the tests, when none is given (TT_TEST_DATABASE_URL). Uses the
// machine's binaries (Debian's `postgresql` package: /usr/lib/postgresql/<v>/bin), installing
// the package with apt-get when running as root on a machine without it. The cluster lives
// under test-output/postgres/ (or a temporary folder when the checkout is not reachable by the
// `postgres` user), listens on 127.0.0.1 on a free port, trusts local connections, and runs as
// a non-root user (initdb refuses root). Idempotent: a running cluster is reused.
//   node scripts/ensure-postgres.mjs start   prints the URL
//   node scripts/ensure-postgres.mjs stop
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const STATE = join(ROOT, 'test-output', 'postgres.json');
const isRoot = process.getuid?.() === 0;
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });

function binDir() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((version) => existsSync(join(base, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length) return join(base, versions[0], 'bin');
  const onPath = sh('pg_config', ['--bindir']);
  if (onPath.status === 0 && existsSync(join(onPath.stdout.trim(), 'initdb')))
    return onPath.stdout.trim();
  return null;
}

function install() {
  if (!isRoot) return;
  process.stderr.write('installing postgresql with apt-get…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update'], { stdio: 'inherit', env });
  sh('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
    stdio: 'inherit',
    env,
  });
}

/** As root, commands run as `postgres` (created if missing); otherwise as the current user. */
function asUser(user, cmd, args) {
  return user ? sh('runuser', ['-u', user, '--', cmd, ...args]) : sh(cmd, args);
}

function ensureUser() {
  if (!isRoot) return null;
  if (sh('id', ['-u', 'postgres']).status !== 0)
    sh('useradd', ['--system', '--no-create-home', 'postgres']);
  return 'postgres';
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function readState() {
  try {
    return JSON.parse(readFileSync(STATE, 'utf8'));
  } catch {
    return null;
  }
}

function running(bin, user, state) {
  return (
    state &&
    existsSync(state.data) &&
    asUser(user, join(bin, 'pg_ctl'), ['status', '-D', state.data]).status === 0
  );
}

/** Starts (or reuses) the cluster; returns its URL, or null when PostgreSQL cannot be had here. */
export async function start() {
  return (await startCluster())?.url ?? null;
}

/** Test files starting at once: one starts the cluster, the others wait and reuse it. */
async function locked(work) {
  const lock = join(ROOT, 'test-output', 'postgres.lock');
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 1200) rmSync(lock, { recursive: true, force: true }); // a minute: left by a killed run
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function startCluster() {
  return locked(startUnlocked);
}

async function startUnlocked() {
  let bin = binDir();
  if (!bin) {
    install();
    bin = binDir();
  }
  if (!bin) {
    process.stderr.write(
      'warning: PostgreSQL is not installed (apt-get install postgresql); its tests cannot run\n',
    );
    return null;
  }
  const user = ensureUser();
  const old = readState();
  if (running(bin, user, old)) return { url: old.url, started: false };
  if (old?.data) rmSync(old.data, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  let data = join(ROOT, 'test-output', 'postgres');
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  if (user) {
    chownSync(data, Number(sh('id', ['-u', user]).stdout), Number(sh('id', ['-g', user]).stdout));
    // The checkout may sit where `postgres` cannot reach: then a temporary folder instead.
    if (asUser(user, 'test', ['-w', data]).status !== 0) {
      rmSync(data, { recursive: true, force: true });
      data = mkdtempSync(join(tmpdir(), 'tt-postgres-'));
      chmodSync(data, 0o700);
      chownSync(data, Number(sh('id', ['-u', user]).stdout), Number(sh('id', ['-g', user]).stdout));
    }
  }
  const init = asUser(user, join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--locale=C',
  ]);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories='' -c max_connections=200 -c fsync=on`;
  const st = asUser(user, join(bin, 'pg_ctl'), [
    'start',
    '-D',
    data,
    '-w',
    '-t',
    '60',
    '-l',
    join(data, 'server.log'),
    '-o',
    opts,
  ]);
  if (st.status !== 0) throw new Error(`pg_ctl start failed: ${st.stderr || st.stdout}`);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  writeFileSync(STATE, JSON.stringify({ url, data, bin, user }));
  return { url, started: true };
}

export function stop() {
  const state = readState();
  if (!state) return;
  if (existsSync(state.data))
    asUser(state.user, join(state.bin, 'pg_ctl'), ['stop', '-D', state.data, '-m', 'fast', '-w']);
  rmSync(state.data, { recursive: true, force: true });
  rmSync(STATE, { force: true });
}

/** For scripts/test.mjs: starts one when none is given, and stops it when the test run exits. */
export async function forTests() {
  if (process.env.TT_TEST_DATABASE_URL) return process.env.TT_TEST_DATABASE_URL;
  let got;
  try {
    got = await startCluster();
  } catch (e) {
    process.stderr.write(`warning: could not start PostgreSQL for the tests: ${e.message}\n`);
    return undefined;
  }
  if (got?.started) process.on('exit', stop);
  return got?.url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv[2];
  if (what === 'start') console.log((await start()) ?? '');
  else if (what === 'stop') stop();
  else {
    console.error('usage: node scripts/ensure-postgres.mjs start|stop');
    process.exit(2);
  }
}
