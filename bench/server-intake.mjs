// Intake throughput: the built `telemetry-server serve` on loopback, each store in turn, takes
// distinct valid reports from CONCURRENCY keep-alive connections: wrk (bench/wrk.mjs, C) for
// BENCH_INTAKE_SECONDS (5), or where wrk cannot be had the Node generator below for
// BENCH_INTAKE_REPORTS (20,000; bounded and self-stopping); then the same kind of reports at a
// fixed rate from the Node generator (BENCH_INTAKE_RATE, 1,000/s, for 4 s: latency below
// saturation), and with wrk about the goal's rate (BENCH_INTAKE_TARGET; 5,000/s, PostgreSQL 2,000/s) from clients with think time
// (wrk 4.1 has no fixed rate; bench/wrk.mjs `runWrkAtRate`). Prints one JSON line per store: reports accepted per second
// and latency percentiles in ms, and the server's CPU time per report. `bare` is the ceiling: a node:http
// server that only reads the body and answers. `node bench/server-intake.mjs [bare|sqlite|postgres]...`;
// run by bench/run.mjs. BENCH_SERVER names another build of the server (to compare two versions).
// `sqlite-normal` is the SQLite store with `--sync normal`. `godev` is the peer: Go's own collector (bench/godev.mjs; skipped without TT_GODEV_SRC).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildGodev } from './godev.mjs';
import { ensureWrk, runWrk, runWrkAtRate } from './wrk.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const { appendToLog, generateKey } = await import(join(ROOT, 'dist', 'config', 'index.js'));
const REPORTS = Number(process.env.BENCH_INTAKE_REPORTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 64);
const WARMUP = 1_000;
/** BENCH_INTAKE_LATENCY=0: throughput only (no fixed-rate runs), for the side-by-side at other concurrencies. */
const LATENCY = process.env.BENCH_INTAKE_LATENCY !== '0';
const PACED_RATE = Number(process.env.BENCH_INTAKE_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 5);
/** The goals' rates: 5,000/s for the SQLite store (and the bare ceiling), 2,000/s for PostgreSQL. */
const target = (store) => Number(process.env.BENCH_INTAKE_TARGET ?? (store === 'postgres' ? 2_000 : 5_000));
const wrk = process.env.BENCH_INTAKE_NODE ? null : ensureWrk();

const config = {
  GOOS: ['darwin', 'linux', 'win32'], GOARCH: ['arm64', 'x64'], GoVersion: ['node>=20'], SampleRate: 1,
  Programs: [{ Name: 'bench-tool', Versions: ['>=1.0.0 <2'], Counters: [{ Name: 'bench-tool/cmd:{build,test,run,lint}', Rate: 1 }, { Name: 'bench-tool/invocations', Rate: 1 }], Stacks: [] }],
};
const week = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
/** A typical report: one program, five counters, ~450 bytes, indented like Go's. */
const body = (i, tag) => report(`0.${tag}${String(i).padStart(7, '0')}1`, i % 7);
const report = (x, build = 3) => JSON.stringify({
  Week: week, LastWeek: '', X: 1234.5,
  Programs: [{ Program: 'bench-tool', Version: '1.4.2', GoVersion: 'node20.20.2', GOOS: 'linux', GOARCH: 'x64',
    Counters: { 'bench-tool/cmd:build': build, 'bench-tool/cmd:test': 3, 'bench-tool/cmd:run': 1, 'bench-tool/cmd:lint': 0, 'bench-tool/invocations': 11 }, Stacks: {} }],
  Config: 'v0',
}, null, 1).replace('1234.5', String(Number(x)));

function post(agent, url, b) {
  return new Promise((res) => {
    const t0 = process.hrtime.bigint();
    const req = request(`${url}/upload/${week}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) } }, (r) => {
      r.resume();
      r.on('end', () => res({ status: r.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', () => res({ status: 0, ms: 0 }));
    req.end(b);
  });
}

async function drive(url, n, tag) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const bodies = Array.from({ length: n }, (_, i) => body(i, tag));
  const lat = [];
  let ok = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      const r = await post(agent, url, bodies[next++]);
      if (r.status === 200) ok++;
      lat.push(r.ms);
    }
  }));
  const s = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
  return { accepted: ok, sent: n, perSecond: ok / s, p50: pct(0.5), p99: pct(0.99) };
}

/** The server's CPU time (user + system), ms, on Linux: robust where wall time is not (a busy machine). */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

/** Open loop: `rate` reports a second for `seconds`, whatever the answers take: latency below saturation. */
async function paced(url, rate, seconds, tag) {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const n = rate * seconds;
  const bodies = Array.from({ length: n }, (_, i) => body(i, tag));
  const sent = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(post(agent, url, bodies[i]));
  }
  const res = await Promise.all(sent);
  agent.destroy();
  const lat = res.map((r) => r.ms).sort((a, b) => a - b);
  return { rate, accepted: res.filter((r) => r.status === 200).length, p50: lat[Math.floor(n * 0.5)], p99: lat[Math.floor(n * 0.99)] };
}

/** A port free on 127.0.0.1 now (Go's collector takes its port from the environment). */
const freePort = () => new Promise((res) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => res(port));
  });
});

/** Go's telemetrygodev (bench/godev.mjs) with its file storage, on 127.0.0.1, the same config. */
function startGodev(bin, port) {
  const goConfig = join(work, 'go-config.json');
  // Go's collector lists versions exactly (no ranges): the versions the bench sends.
  writeFileSync(goConfig, JSON.stringify({ ...config, GoVersion: ['node20.20.2'], Programs: config.Programs.map((p) => ({ ...p, Versions: ['1.4.2'] })) }));
  const env = { PATH: process.env.PATH, PORT: String(port), GO_TELEMETRY_UPLOAD_CONFIG: goConfig, GO_TELEMETRY_LOCAL_STORAGE: join(work, 'godev-storage') };
  const p = spawn(bin, [], { env, cwd: work, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((res, rej) => {
    p.on('exit', (c) => rej(new Error(`telemetrygodev exited with ${c}`)));
    const url = `http://127.0.0.1:${port}`;
    const poll = () => fetch(`${url}/`).then(() => res({ url, cpuMs: () => cpuMs(p.pid), stop: () => new Promise((r) => (p.removeAllListeners('exit'), p.on('exit', r), p.kill('SIGTERM'))) }), () => setTimeout(poll, 100));
    void poll();
  });
}

function startServer(args) {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
  const argv = args === 'bare' ? ['-e', BARE] : [...nodeArgs, process.env.BENCH_SERVER ?? join(ROOT, 'server', 'dist', 'telemetry-server.js'), 'serve', '--port', '0', '--max-in-flight', '4096', ...args];
  const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((res, rej) => {
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) res({ url: m[1], cpuMs: () => cpuMs(p.pid), stop: () => new Promise((r) => (p.on('exit', r), p.kill('SIGTERM'))) });
    });
    p.on('exit', (c) => rej(new Error(`serve exited with ${c}`)));
  });
}

async function databaseUrl() {
  const admin = process.env.TT_TEST_DATABASE_URL || (await (await import('../scripts/ensure-postgres.mjs')).start());
  if (!admin) return null;
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const name = `tt_bench_${process.pid}`;
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { url: u.href, drop: async () => {
    const d = new pg.Client({ connectionString: admin });
    await d.connect();
    await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await d.end();
  } };
}

/** The ceiling: a bare node:http server that reads each body and answers 200, driven the same way. */
const BARE = `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.end('{"status":"stored"}')); });
s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port));
process.on('SIGTERM', () => s.close(() => process.exit(0)));`;

const work = mkdtempSync(join(tmpdir(), 'tt-bench-intake-'));
const { signer } = generateKey('bench.test/config');
appendToLog(join(work, 'log'), [new TextEncoder().encode(JSON.stringify(config))], signer, 'bench.test/config');
let godev = null;
for (const store of process.argv.slice(2).length ? process.argv.slice(2) : ['bare', 'sqlite', 'sqlite-normal', 'postgres', 'godev']) {
  let db = null;
  if (store === 'postgres' && !(db = await databaseUrl())) {
    console.log(JSON.stringify({ store, skipped: 'PostgreSQL is not installed' }));
    continue;
  }
  let server;
  if (store === 'godev') {
    godev ??= buildGodev();
    if (godev.skipped) {
      console.log(JSON.stringify({ store, skipped: godev.skipped }));
      continue;
    }
    server = await startGodev(godev.bin, await freePort());
  } else {
    const storeFlags = db ? ['--database', db.url] : ['--data', join(work, `data-${store}`), ...(store === 'sqlite-normal' ? ['--sync', 'normal'] : [])];
    server = await startServer(store === 'bare' ? 'bare' : ['--log', join(work, 'log'), ...storeFlags]);
  }
  await drive(server.url, WARMUP, 9);
  const cpu0 = server.cpuMs();
  const r = wrk
    ? await runWrk(wrk, { url: server.url, path: `/upload/${week}`, seconds: SECONDS, connections: CONCURRENCY, tag: 1, template: report, dir: work })
    : await drive(server.url, REPORTS, 1);
  const cpuPerReport = ((server.cpuMs() - cpu0) * 1000) / r.sent;
  const open = LATENCY ? await paced(server.url, PACED_RATE, 4, 2) : undefined;
  const atTarget = LATENCY && wrk && store !== 'godev' ? await runWrkAtRate(wrk, { url: server.url, path: `/upload/${week}`, seconds: SECONDS, connections: CONCURRENCY, rate: target(store), tag: 3, template: report, dir: work }) : undefined;
  await server.stop();
  await db?.drop();
  console.log(JSON.stringify({ store, generator: wrk ? 'wrk' : 'node', concurrency: CONCURRENCY, ...r, serverCpuUs: cpuPerReport, paced: open, atTarget }));
}
rmSync(work, { recursive: true, force: true });
