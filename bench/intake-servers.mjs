// The servers the intake bench (bench/server-intake.mjs) drives: this build's (or another's,
// BENCH_SERVER / BENCH_SERVER_BEFORE) `telemetry-server serve`, the bare node:http ceiling, and
// Go's telemetrygodev (bench/godev.mjs). Each reports its CPU time from /proc: all threads, and
// the main thread alone (the event loop, which bounds intake; the SQLite worker is another).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { installedNode } from '../scripts/installed-node.mjs';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The Node that runs the servers (ours and the bare ceiling): BENCH_SERVER_NODE, else the
 * newest the server supports (`engines`: >= 22) where the test run installed it
 * (scripts/ensure-node-versions.mjs), else this one. A vendor runs an LTS the server supports;
 * Node 20, which runs the bench, is not one (it measured 8-10 % slower: bench/README.md).
 */
export const SERVER_NODE =
  process.env.BENCH_SERVER_NODE ??
  [24, 22].map(installedNode).find((bin) => existsSync(bin)) ??
  process.execPath;
/** Its version, for the rows (`v24.22.3`). */
export const SERVER_NODE_VERSION =
  spawnSync(SERVER_NODE, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';

/** The ceiling: a bare node:http server that reads each body and answers 200. */
const BARE = `const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"status":"stored"}')); });
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));`;

/** User + system CPU time in ms of a /proc stat file (Linux), NaN elsewhere. */
function statMs(file) {
  try {
    const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

/** CPU time so far, ms: the whole process and its main thread (robust on a busy machine). */
export const cpuOf = (pid) => () => ({
  all: statMs(`/proc/${pid}/stat`),
  main: statMs(`/proc/${pid}/task/${pid}/stat`),
});

/** A port free on 127.0.0.1 now (Go's collector takes its port from the environment). */
export const freePort = () =>
  new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });

/**
 * `serve` with `args`, or the bare server (`args` 'bare'); `build` names the server file
 * (default: this build's, or BENCH_SERVER). BENCH_NODE_ARGS adds Node flags (--cpu-prof).
 */
export function startServer(args, build) {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server =
    build ?? process.env.BENCH_SERVER ?? join(ROOT, 'server', 'dist', 'telemetry-server.js');
  const serve = [server, 'serve', '--port', '0', '--max-in-flight', '4096', ...args];
  const argv = args === 'bare' ? ['-e', BARE] : [...nodeArgs, ...serve];
  const child = spawn(SERVER_NODE, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      const stop = () => new Promise((exited) => (child.on('exit', exited), child.kill('SIGTERM')));
      done({ url: m[1], cpuMs: cpuOf(child.pid), stop });
    });
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}`)));
  });
}

/** Go's telemetrygodev with its file storage, on 127.0.0.1, with `config` (versions exact). */
export function startGodev(bin, port, work, config) {
  const goConfig = join(work, 'go-config.json');
  writeFileSync(goConfig, JSON.stringify(config));
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    GO_TELEMETRY_UPLOAD_CONFIG: goConfig,
    GO_TELEMETRY_LOCAL_STORAGE: join(work, 'godev-storage'),
  };
  const child = spawn(bin, [], { env, cwd: work, stdio: ['ignore', 'pipe', 'ignore'] });
  const stop = () =>
    new Promise(
      (exited) => (
        child.removeAllListeners('exit'), child.on('exit', exited), child.kill('SIGTERM')
      ),
    );
  return new Promise((done, fail) => {
    child.on('exit', (code) => fail(new Error(`telemetrygodev exited with ${code}`)));
    const url = `http://127.0.0.1:${port}`;
    const poll = () =>
      fetch(`${url}/`).then(
        () => done({ url, cpuMs: cpuOf(child.pid), stop }),
        () => setTimeout(poll, 100),
      );
    void poll();
  });
}

/** A fresh PostgreSQL database for one run, or null where PostgreSQL is not installed. */
export async function databaseUrl() {
  const ensure = await import('../scripts/ensure-postgres.mjs');
  const admin = process.env.TT_TEST_DATABASE_URL || (await ensure.start());
  if (!admin) return null;
  const pg = (await import('pg')).default;
  const name = `tt_bench_${process.pid}`;
  const run = async (sql) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    for (const statement of sql) await client.query(statement);
    await client.end();
  };
  await run([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => run([`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]) };
}
