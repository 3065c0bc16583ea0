// The merge beside intake: the built `telemetry-server serve` starts on a data directory
// holding BENCH_MERGE_REPORTS (100,000) generated reports that arrived on one past day, so its
// first scheduled merge (in the merge worker) takes them all; meanwhile a Node client sends
// valid uploads at BENCH_MERGE_INTAKE_RATE (200/s) over 8 keep-alive connections. Prints one
// JSON line: the merge's wall time (from its `merge-start` log line to its `merge` line), the
// latency percentiles (ms) of the uploads sent while it ran, and of those sent in the 3 s
// after it (the same load without a merge, on the same machine). Run by bench/run.mjs.
// With BENCH_MERGE_DATABASE (a PostgreSQL admin URL) the store is a fresh database there.
// A/B: BENCH_SERVER=old=/path/to/telemetry-server.js,new=server/dist/telemetry-server.js runs
// each build in turn, BENCH_ROUNDS times (interleaved, so both see the same machine), one JSON
// line per run. `mainCpuMs`: CPU time of serve's main thread (the one answering uploads) while
// the merge ran, from /proc (Linux; null elsewhere): what the merge costs the intake's thread;
// `afterCpuMs` the same in the 3 s after it (the intake's own cost at that rate).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_NODE } from './intake-servers.mjs';
import { importSources } from './sources.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_MERGE_REPORTS ?? 100_000);
const RATE = Number(process.env.BENCH_MERGE_INTAKE_RATE ?? 200);
const CONNECTIONS = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const SERVERS = (process.env.BENCH_SERVER ?? join(ROOT, 'server', 'dist', 'telemetry-server.js'))
  .split(',')
  .map((spec) => (spec.includes('=') ? spec.split('=') : [null, spec]))
  .map(([label, bin]) => ({ label, bin: resolve(bin) }));
const { generateReports, openStore } = await importSources('merge-intake', [
  "export { generateReports } from './test/server/report-gen.ts';",
  "export { openStore } from './server/store/index.ts';",
]);
const { appendToLog, generateKey } = await import(join(ROOT, 'dist', 'config', 'index.js'));
const config = {
  GOOS: ['linux'],
  GOARCH: ['x64'],
  GoVersion: ['node>=20'],
  SampleRate: 1,
  Programs: [
    {
      Name: 'bench-tool',
      Versions: ['>=1.0.0 <2'],
      Counters: [{ Name: 'bench-tool/invocations', Rate: 1 }],
      Stacks: [],
    },
  ],
};
for (let round = 0; round < ROUNDS; round++) {
  for (const { label, bin } of SERVERS) console.log(JSON.stringify(await benchOne(label, bin)));
}

/** One run: a fresh store holding the day, `bin`'s serve on it, uploads until the merge is over. */
async function benchOne(label, bin) {
  const work = mkdtempSync(join(tmpdir(), 'tt-merge-intake-'));
  const logDir = join(work, 'log');
  const { signer } = generateKey('bench.test/config');
  appendToLog(logDir, [Buffer.from(JSON.stringify(config))], signer, 'bench.test/config');
  const report = (week, reportX) =>
    JSON.stringify({
      Week: week,
      LastWeek: '',
      X: Number(reportX),
      Config: 'v0',
      Programs: [
        {
          Program: 'bench-tool',
          Version: '1.4.2',
          GoVersion: 'node20.20.2',
          GOOS: 'linux',
          GOARCH: 'x64',
          Counters: { 'bench-tool/invocations': 3 },
          Stacks: {},
        },
      ],
    }).replace(/"X":[^,]+/, `"X":${reportX}`);

  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const data = join(work, 'data');
  const database = process.env.BENCH_MERGE_DATABASE
    ? await freshDatabase(process.env.BENCH_MERGE_DATABASE)
    : undefined;
  const store = await openStore(database ? { database } : { data });
  const reports = generateReports({ seed: 1, count: N, weeks: [day(-5), day(-3)] });
  for (let i = 0; i < N; i += 5_000) {
    await Promise.all(
      reports.slice(i, i + 5_000).map((generated) =>
        store.put({
          week: generated.Week,
          x: String(generated.X),
          day: day(-1),
          body: JSON.stringify(generated),
        }),
      ),
    );
  }
  await store.close();

  const proc = spawn(
    SERVER_NODE,
    [
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []),
      bin,
      'serve',
      '--port',
      '0',
      '--log',
      logDir,
      ...(database ? ['--database', database] : ['--data', data]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  const marks = {};
  proc.stderr.on('data', (chunk) => {
    err += chunk;
    if (!marks.start && err.includes('"event":"merge-start"')) {
      marks.start = performance.now();
      marks.cpuStart = mainThreadCpuMs(proc.pid);
    }
    if (!marks.end && /"event":"merge","ok":/.test(err)) {
      marks.end = performance.now();
      marks.cpuEnd = mainThreadCpuMs(proc.pid);
    }
  });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolveUrl(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const week = day(-2);
  const post = (i) =>
    new Promise((done) => {
      const body = report(week, `0.${String(i).padStart(8, '0')}1`);
      const t0 = performance.now();
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: `/upload/${week}`,
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => done({ status: res.statusCode, ms: performance.now() - t0, at: t0 }));
        },
      );
      req.on('error', () => done({ status: 0, ms: performance.now() - t0, at: t0 }));
      req.end(body);
    });

  const answers = [];
  const pending = [];
  let i = 0;
  const started = performance.now();
  // Until the merge ends, then 3 s more: the same load with no merge, a baseline on the same machine.
  while (
    (!marks.end || performance.now() - marks.end < 3_000) &&
    performance.now() - started < 120_000
  ) {
    pending.push(post(++i).then((answer) => answers.push(answer)));
    await new Promise((wake) => setTimeout(wake, 1000 / RATE));
  }
  const cpuAfter = mainThreadCpuMs(proc.pid);
  await Promise.all(pending);
  proc.kill('SIGTERM');
  await new Promise((exited) => proc.on('exit', exited));
  rmSync(work, { recursive: true, force: true });
  const during = answers
    .filter((answer) => marks.start && answer.at >= marks.start && answer.at <= marks.end)
    .map((answer) => answer.ms)
    .sort((a, b) => a - b);
  const after = answers
    .filter((answer) => marks.end && answer.at > marks.end)
    .map((answer) => answer.ms)
    .sort((a, b) => a - b);
  const pctOf = (list, percent) =>
    list[Math.min(list.length - 1, Math.floor((percent / 100) * list.length))] ?? NaN;
  const pct = (percent) => pctOf(during, percent);
  if (database) await dropDatabase(process.env.BENCH_MERGE_DATABASE, database);
  const mergedLine = /"event":"merge","ok":true,"days":\d+,"reports":(\d+)/.exec(err);
  return {
    ...(label ? { server: label } : {}),
    store: database ? 'postgres' : 'sqlite',
    reports: Number(mergedLine?.[1] ?? 0),
    mergeMs: marks.end - marks.start,
    uploads: during.length,
    failed: answers.filter((answer) => answer.status !== 200).length,
    p50: pct(50),
    p99: pct(99),
    max: during.at(-1) ?? NaN,
    after: { uploads: after.length, p50: pctOf(after, 50), p99: pctOf(after, 99) },
    mainCpuMs: spent(marks.cpuStart, marks.cpuEnd),
    // The same thread in the (about) 3 s after, the same load and no merge: its baseline.
    afterCpuMs: spent(marks.cpuEnd, cpuAfter),
  };
}

function spent(start, end) {
  return start == null || end == null ? null : end - start;
}

/** CPU time (user + system, ms) of a process's main thread, whose thread id is its pid. */
function mainThreadCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
  } catch {
    return null;
  }
}

async function freshDatabase(admin) {
  const { default: pg } = await import('pg');
  const name = `tt_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.href;
}

async function dropDatabase(admin, url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)}`);
  await client.end();
}
