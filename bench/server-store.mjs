// The embedded SQLite store's memory and restart (docs/collector-store.md):
//  - heap per stored report: the store opened in this process (run with --expose-gc) takes
//    BENCH_STORE_REPORTS (100,000) distinct reports, 500 per turn as intake's group commit sees
//    them; the V8 heap after a full GC, before and after, divided by the count;
//  - restart: a store holding BENCH_STORE_MILLION (1,000,000) reports, then the time from
//    spawning the built `telemetry-server serve` on it to "listening" and to its first answer;
//    the baseline is the same start on an empty directory.
// Prints one JSON line. `node --expose-gc bench/server-store.mjs`; run by bench/run.mjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importSources } from './sources.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_STORE_REPORTS ?? 100_000);
const MILLION = Number(process.env.BENCH_STORE_MILLION ?? 1_000_000);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const work = mkdtempSync(join(tmpdir(), 'tt-store-bench-'));
const { openSqliteStore } = await importSources('store', [
  "export { openSqliteStore } from './server/store/sqlite.ts';",
]);
const { appendToLog, generateKey } = await import(join(ROOT, 'dist', 'config', 'index.js'));

const week = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const day = new Date().toISOString().slice(0, 10);
const body = (x) =>
  `{"Week":"${week}","LastWeek":"","X":${x},"Programs":[{"Program":"bench-tool","Version":"1.4.2","GoVersion":"node20.20.2","GOOS":"linux","GOARCH":"x64","Counters":{"bench-tool/cmd:build":3,"bench-tool/cmd:lint":0,"bench-tool/cmd:run":1,"bench-tool/cmd:test":3,"bench-tool/invocations":11},"Stacks":{}}],"Config":"v0"}`;
const xOf = (tag, i) => `0.${tag}${String(i).padStart(7, '0')}1`;

/** Puts `count` reports, `perTurn` at a time (as intake's group commit sees them). */
async function fill(store, tag, count, perTurn) {
  for (let at = 0; at < count; at += perTurn) {
    const batch = Math.min(perTurn, count - at);
    await Promise.all(
      Array.from({ length: batch }, (_, offset) => {
        const x = xOf(tag, at + offset);
        return store.put({ week, x, day, body: body(x) });
      }),
    );
  }
}
const heap = () => (globalThis.gc(), globalThis.gc(), process.memoryUsage().heapUsed);

// Heap per stored report, in this process.
const heapDir = join(work, 'heap');
let store = await openSqliteStore(heapDir);
await fill(store, 1, 2_000, 500);
const before = heap();
await fill(store, 2, N, 500);
const after = heap();
await store.close();

// Restart of a store holding a million reports.
const bigDir = join(work, 'million');
store = await openSqliteStore(bigDir);
const t0 = performance.now();
await fill(store, 3, MILLION, 10_000);
const fillMs = performance.now() - t0;
await store.close();
const dbBytes = statSync(join(bigDir, 'telemetry.sqlite')).size;
const log = join(work, 'log');
const { signer } = generateKey('bench.test/config');
appendToLog(
  log,
  [
    new TextEncoder().encode(
      JSON.stringify({
        GOOS: ['linux'],
        GOARCH: ['x64'],
        GoVersion: ['node>=20'],
        SampleRate: 1,
        Programs: [
          {
            Name: 'bench-tool',
            Versions: ['>=1.0.0 <2'],
            Counters: [
              { Name: 'bench-tool/cmd:{build,test,run,lint}', Rate: 1 },
              { Name: 'bench-tool/invocations', Rate: 1 },
            ],
            Stacks: [],
          },
        ],
      }),
    ),
  ],
  signer,
  'bench.test/config',
);
const empty = await serveAndUpload(join(work, 'empty'), log);
const restart = await serveAndUpload(bigDir, log);
rmSync(work, { recursive: true, force: true });
console.log(
  JSON.stringify({
    reports: N,
    heapBytesPerReport: (after - before) / N,
    million: MILLION,
    fillMs,
    dbMB: dbBytes / 1e6,
    emptyListeningMs: empty.restartListeningMs,
    ...restart,
  }),
);

/** Spawns serve on the store; ms to "listening", then to the first upload answered (a duplicate). */
function serveAndUpload(data, logDir) {
  const started = performance.now();
  const server = spawn(
    process.execPath,
    [
      join(ROOT, 'server', 'dist', 'telemetry-server.js'),
      'serve',
      '--port',
      '0',
      '--log',
      logDir,
      '--data',
      data,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((res, rej) => {
    let out = '';
    server.on('exit', (code) => rej(new Error(`serve exited with ${code}`)));
    server.stdout.on('data', async (chunk) => {
      out += chunk;
      const listening = /listening on (\S+)/.exec(out);
      if (!listening || out === null) return;
      out = null;
      const listeningMs = performance.now() - started;
      const x = xOf(3, 0);
      const response = await fetch(`${listening[1]}/upload/${week}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(x),
      });
      const answer = await response.json();
      const firstAnswerMs = performance.now() - started;
      const rssMB =
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
      server.removeAllListeners('exit');
      server.on('exit', () =>
        res({
          restartListeningMs: listeningMs,
          restartFirstAnswerMs: firstAnswerMs,
          firstAnswer: answer.status ?? answer.code,
          serverRssMB: rssMB,
        }),
      );
      server.kill('SIGTERM');
    });
  });
}
