// Intake throughput: the built `telemetry-server serve` on loopback, each store in turn, takes
// distinct valid reports from CONCURRENCY keep-alive connections: wrk (bench/wrk.mjs, C) for
// BENCH_INTAKE_SECONDS (5), or where wrk cannot be had the Node generator (bench/intake-load.mjs)
// for BENCH_INTAKE_REPORTS (20,000; bounded and self-stopping); then the same kind of reports at
// a fixed rate from the Node generator (BENCH_INTAKE_RATE, 1,000/s, for 4 s: latency below
// saturation), and with wrk about the goal's rate (BENCH_INTAKE_TARGET; 5,000/s, PostgreSQL
// 2,000/s) from clients with think time (wrk 4.1 has no fixed rate; bench/wrk.mjs
// `runWrkAtRate`). Prints one JSON line per store: reports accepted per second, latency
// percentiles in ms, and the server's CPU time per report (all threads, and the main thread).
// `bare` is the ceiling: a node:http server that only reads the body and answers.
// `node bench/server-intake.mjs [bare|sqlite|sqlite-normal|postgres|godev|godev-sync]...`; run
// by bench/run.mjs. `sqlite-normal` is the SQLite store with `--sync normal`. `godev` is the
// peer: Go's own collector (bench/godev.mjs; skipped without TT_GODEV_SRC), which never syncs,
// as `--sync normal`; `godev-sync` is it syncing each report's file, as `--sync full`.
// BENCH_SERVER names another build of the server; a store named with `@before`
// (`sqlite@before`) runs the build BENCH_SERVER_BEFORE names, so that two builds are compared
// interleaved in one run.
// BENCH_INTAKE_ROUNDS (1; at most 3, `npm run bench` runs 3): rounds of every row, interleaved,
// each in fresh storage; a row's line is its median round, with every round's rate in `rounds`
// (Go's collector moved 2-3x between rounds of a minute: bench/README.md).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildGodev } from './godev.mjs';
import { drive, paced } from './intake-load.mjs';
import {
  SERVER_NODE_VERSION,
  databaseUrl,
  freePort,
  startGodev,
  startServer,
} from './intake-servers.mjs';
import { ensureWrk, runWrk, runWrkAtRate } from './wrk.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const { appendToLog, generateKey } = await import(join(ROOT, 'dist', 'config', 'index.js'));
const REPORTS = Number(process.env.BENCH_INTAKE_REPORTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_INTAKE_CONCURRENCY ?? 64);
const WARMUP = 1_000;
/** BENCH_INTAKE_LATENCY=0: throughput only (no fixed-rate runs), for other concurrencies. */
const LATENCY = process.env.BENCH_INTAKE_LATENCY !== '0';
const PACED_RATE = Number(process.env.BENCH_INTAKE_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 5);
/** The goals' rates: 5,000/s for the SQLite store (and the bare ceiling), 2,000/s for PostgreSQL. */
const target = (store) =>
  Number(process.env.BENCH_INTAKE_TARGET ?? (store === 'postgres' ? 2_000 : 5_000));
const wrk = process.env.BENCH_INTAKE_NODE ? null : ensureWrk();

const config = {
  GOOS: ['darwin', 'linux', 'win32'],
  GOARCH: ['arm64', 'x64'],
  GoVersion: ['node>=20'],
  SampleRate: 1,
  Programs: [
    {
      Name: 'bench-tool',
      Versions: ['>=1.0.0 <2'],
      Stacks: [],
      Counters: [
        { Name: 'bench-tool/cmd:{build,test,run,lint}', Rate: 1 },
        { Name: 'bench-tool/invocations', Rate: 1 },
      ],
    },
  ],
};
/** Go's collector lists versions exactly (no ranges): the versions the bench sends. */
const goConfig = {
  ...config,
  GoVersion: ['node20.20.2'],
  Programs: config.Programs.map((program) => ({ ...program, Versions: ['1.4.2'] })),
};
const week = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const path = `/upload/${week}`;
/** A typical report: one program, five counters, ~450 bytes, indented like Go's. */
const report = (x, build = 3) => {
  const counters = {
    'bench-tool/cmd:build': build,
    'bench-tool/cmd:test': 3,
    'bench-tool/cmd:run': 1,
    'bench-tool/cmd:lint': 0,
    'bench-tool/invocations': 11,
  };
  const program = {
    Program: 'bench-tool',
    Version: '1.4.2',
    GoVersion: 'node20.20.2',
    GOOS: 'linux',
    GOARCH: 'x64',
    Counters: counters,
    Stacks: {},
  };
  const doc = { Week: week, LastWeek: '', X: 1234.5, Programs: [program], Config: 'v0' };
  return JSON.stringify(doc, null, 1).replace('1234.5', String(Number(x)));
};
const bodies = (count, tag) =>
  Array.from({ length: count }, (_, i) => report(`0.${tag}${String(i).padStart(7, '0')}1`, i % 7));

const work = mkdtempSync(join(tmpdir(), 'tt-bench-intake-'));
const { signer } = generateKey('bench.test/config');
const configBytes = new TextEncoder().encode(JSON.stringify(config));
appendToLog(join(work, 'log'), [configBytes], signer, 'bench.test/config');
/** Go's collector's rows (bench/godev.mjs): as it is, and syncing each report's file. */
const GO_ROWS = ['godev', 'godev-sync'];
/** Each Go row's build, made once: { bin } or { skipped }. */
const godev = {};

/** The server of one row, or { skipped }; `dir` holds its data (one per round). */
async function start(row, store, build, dir) {
  if (GO_ROWS.includes(store)) {
    godev[store] ??= buildGodev({ sync: store === 'godev-sync' });
    if (godev[store].skipped) return { skipped: godev[store].skipped };
    return startGodev(godev[store].bin, await freePort(), dir, goConfig);
  }
  if (store === 'bare') return startServer('bare');
  let db = null;
  if (store === 'postgres' && !(db = await databaseUrl()))
    return { skipped: 'PostgreSQL is not installed' };
  const sync = store === 'sqlite-normal' ? ['--sync', 'normal'] : [];
  const flags = db ? ['--database', db.url] : ['--data', join(dir, `data-${row}`), ...sync];
  const server = await startServer(['--log', join(work, 'log'), ...flags], build);
  return { ...server, stop: async () => (await server.stop(), await db?.drop()) };
}

/**
 * X's distinguishing digit of each round's closed-loop run: 2 is the paced run's, 3 to 6 the
 * at-rate run and its probes' (bench/wrk.mjs), 9 the warm-up's.
 */
const ROUND_TAGS = [1, 7, 8];
/** BENCH_INTAKE_ROUNDS: interleaved rounds per row, each in fresh storage; a row reports its median. */
const ROUNDS = Math.min(ROUND_TAGS.length, Number(process.env.BENCH_INTAKE_ROUNDS ?? 1));

/** One row's closed-loop run (and, with `latency`, its paced and at-rate runs). */
async function measure(row, round, latency) {
  const [store, which] = row.split('@');
  const build = which === 'before' ? process.env.BENCH_SERVER_BEFORE : undefined;
  if (which === 'before' && !build)
    throw new Error(`${row}: set BENCH_SERVER_BEFORE to a build's server`);
  const dir = join(work, `round-${round}`);
  mkdirSync(dir, { recursive: true });
  const server = await start(row, store, build, dir);
  if (server.skipped) return { store: row, skipped: server.skipped };
  await drive(server.url, path, bodies(WARMUP, 9), CONCURRENCY);
  const cpu0 = server.cpuMs();
  const wrkRun = {
    url: server.url,
    path,
    seconds: SECONDS,
    connections: CONCURRENCY,
    template: report,
    dir: work,
  };
  const r = wrk
    ? await runWrk(wrk, { ...wrkRun, tag: ROUND_TAGS[round] })
    : await drive(server.url, path, bodies(REPORTS, ROUND_TAGS[round]), CONCURRENCY);
  const cpu1 = server.cpuMs();
  const perReport = (cpuMs) => (cpuMs * 1000) / r.sent;
  const cpu = {
    serverCpuUs: perReport(cpu1.all - cpu0.all),
    mainCpuUs: perReport(cpu1.main - cpu0.main),
  };
  const open = latency
    ? await paced(server.url, path, bodies(PACED_RATE * 4, 2), PACED_RATE)
    : undefined;
  const atTarget =
    latency && wrk && !GO_ROWS.includes(store)
      ? await runWrkAtRate(wrk, { ...wrkRun, rate: target(store), tag: 3 })
      : undefined;
  await server.stop();
  return {
    store: row,
    generator: wrk ? 'wrk' : 'node',
    concurrency: CONCURRENCY,
    node: GO_ROWS.includes(store) ? undefined : SERVER_NODE_VERSION,
    ...r,
    ...cpu,
    paced: open,
    atTarget,
  };
}

/** The round with the median rate speaks for the row; every round's rate is listed. */
function medianRound(results) {
  if (results[0].skipped) return results[0];
  const sorted = [...results].sort((a, b) => a.perSecond - b.perSecond);
  const last = results[results.length - 1];
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    paced: last.paced,
    atTarget: last.atTarget,
    rounds: results.map((result) => Math.round(result.perSecond)),
  };
}

const argv = process.argv.slice(2);
const rows = argv.length ? argv : ['bare', 'sqlite', 'sqlite-normal', 'postgres', ...GO_ROWS];
const results = new Map(rows.map((row) => [row, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Every other round in reverse, so that no row always follows the same one.
  for (const row of round % 2 ? [...rows].reverse() : rows) {
    if (results.get(row)[0]?.skipped) continue;
    results.get(row).push(await measure(row, round, LATENCY && round === ROUNDS - 1));
  }
}
for (const row of rows) console.log(JSON.stringify(medianRound(results.get(row))));
rmSync(work, { recursive: true, force: true });
