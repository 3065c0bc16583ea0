// The collection server's rows of `npm run bench` (bench/run.mjs): intake against Go's
// telemetrygodev, the merge of 100,000 reports, the SQLite store's heap and restart, and intake
// while serve merges. Each measurement runs in its own process and prints JSON.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const here = import.meta.dirname;

/** Runs `node [nodeArgs] bench/<script> [args]` and returns its stdout; throws with its stderr. */
function runScript(script, { env, args = [], nodeArgs = [], timeout }) {
  const child = spawnSync(process.execPath, [...nodeArgs, join(here, script), ...args], {
    env,
    encoding: 'utf8',
    timeout,
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout;
}

const INTAKE_GOALS = {
  bare: 'ceiling',
  sqlite: '>= 5,000/s, p99 < 20 ms',
  postgres: '>= 2,000/s',
  godev: 'peer',
  'godev-sync': 'peer',
};
/**
 * Each store's peer of the same durability: Go's collector never syncs (an answer survives a
 * killed server, not a power cut), as `--sync normal`; `godev-sync` syncs each report's file
 * before it answers, as `--sync full` and PostgreSQL (bench/godev.mjs).
 */
const PEER = { sqlite: 'godev-sync', postgres: 'godev-sync', 'sqlite-normal': 'godev' };

function intakeLabel(result) {
  const labels = {
    bare: 'bare node:http server, same load: answers/s',
    godev: "Go's telemetrygodev (file storage, no fsync): reports accepted/s",
    'godev-sync':
      "Go's telemetrygodev syncing each report's file (bench's overlay): reports accepted/s",
    'sqlite-normal': 'server intake, SQLite store, --sync normal: reports accepted/s',
  };
  const store = result.store === 'sqlite' ? 'SQLite (--sync full)' : result.store;
  return labels[result.store] ?? `server intake, ${store} store: reports accepted/s`;
}

/** `, 1.50x Go's (…)` against the store's peer of the same durability, and against Go as it is. */
function versusGo(result, results) {
  const ran = (store) => results.find((other) => other.store === store && !other.skipped);
  const peer = ran(PEER[result.store]);
  const go = ran('godev');
  const times = (other) => (result.perSecond / other.perSecond).toFixed(2);
  let text = '';
  if (peer)
    text += `, ${times(peer)}x Go's ${peer === go ? 'as it is (' : 'with fsync ('}same durability)`;
  if (go && peer !== go) text += `, ${times(go)}x Go's as it is (no fsync)`;
  return text;
}

/** The rows of one intake run: per store, its rate and latencies, against Go's where it ran. */
function intakeResultRows(results) {
  const rows = [];
  for (const result of results) {
    const goal = INTAKE_GOALS[result.store] ?? '';
    const label = intakeLabel(result);
    if (result.skipped) {
      rows.push({
        what: `${label} (${result.store})`,
        value: 'skipped',
        ratio: result.skipped,
        goal,
      });
      continue;
    }
    const vsGo = PEER[result.store] ? versusGo(result, results) : '';
    rows.push({
      what: `${label} (${result.concurrency} connections, ${result.generator}${result.node ? `, node ${result.node}` : ''}${result.rounds?.length > 1 ? `, median of ${result.rounds.length} rounds: ${result.rounds.join(', ')}/s` : ''})`,
      value: `${Math.round(result.perSecond)}/s`,
      ratio: `p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, server CPU ${Math.round(result.serverCpuUs)} µs/report${vsGo}`,
      goal,
    });
    const paced = result.paced;
    if (paced) {
      rows.push({
        what: `  the same at a fixed ${paced.rate}/s (Node generator)`,
        value: `${paced.accepted} of ${paced.rate * 4}`,
        ratio: `p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms`,
        goal: '',
      });
    }
    const atTarget = result.atTarget;
    if (atTarget) {
      rows.push({
        what: `  the same at about ${atTarget.target}/s (${atTarget.connections} clients with think time, wrk)`,
        value: `${Math.round(atTarget.perSecond)}/s`,
        ratio: `p50 ${atTarget.p50.toFixed(1)} ms, p99 ${atTarget.p99.toFixed(1)} ms`,
        goal: result.store === 'sqlite' ? 'p99 < 20 ms' : '',
      });
    }
  }
  return rows;
}

function intakeRows() {
  process.stderr.write("measuring the collection server's intake…\n");
  const intake = (env, stores) => {
    const out = runScript('server-intake.mjs', {
      env: { ...process.env, ...env },
      args: stores,
      timeout: 900_000,
    });
    return intakeResultRows(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    );
  };
  return [
    ...intake({ BENCH_INTAKE_CONCURRENCY: '64', BENCH_INTAKE_ROUNDS: '3' }, [
      'bare',
      'sqlite',
      'sqlite-normal',
      'postgres',
      'godev',
      'godev-sync',
    ]),
    ...intake(
      { BENCH_INTAKE_CONCURRENCY: '8', BENCH_INTAKE_LATENCY: '0', BENCH_INTAKE_ROUNDS: '3' },
      ['sqlite', 'sqlite-normal', 'godev', 'godev-sync'],
    ),
  ];
}

function mergeRows(baseEnv) {
  process.stderr.write("measuring the collector's merge of 100,000 reports…\n");
  const merge = JSON.parse(runScript('server-merge.mjs', { env: baseEnv }));
  const rows = [
    {
      what: `JSON.parse of ${merge.reports.toLocaleString('en')} report bodies (${merge.mb.toFixed(1)} MB) in memory`,
      value: `${merge.parse.toFixed(0)} ms`,
      ratio: '1.00x',
      goal: 'baseline',
    },
    {
      what: '  (put them into the SQLite store over 7 days)',
      value: `${merge.put.toFixed(0)} ms`,
      ratio: `${(merge.put / merge.parse).toFixed(2)}x`,
      goal: '',
    },
  ];
  for (const mode of ['raw', 'aggregates']) {
    rows.push({
      what: `merge them from the store, --publish ${mode}${mode === 'aggregates' ? ' (ε 1, raw deleted)' : ''}`,
      value: `${merge[mode].toFixed(0)} ms`,
      ratio: `${(merge[mode] / merge.parse).toFixed(2)}x, CPU ${merge[`${mode}Cpu`].toFixed(0)} ms`,
      goal: '< 5 s',
    });
  }
  return rows;
}

function storeRows(baseEnv) {
  process.stderr.write('measuring the SQLite store: heap per report, restart holding a million…\n');
  const store = JSON.parse(
    runScript('server-store.mjs', { env: baseEnv, nodeArgs: ['--expose-gc'], timeout: 600_000 }),
  );
  const vsEmpty = (millis) => (millis / store.emptyListeningMs).toFixed(2);
  return [
    {
      what: `SQLite store: V8 heap per stored report (${store.reports.toLocaleString('en')} reports)`,
      value: `${store.heapBytesPerReport.toFixed(1)} B`,
      ratio: '',
      goal: '< 200 B',
    },
    {
      what: 'serve on an empty data directory: start to listening',
      value: `${store.emptyListeningMs.toFixed(0)} ms`,
      ratio: '1.00x',
      goal: 'baseline',
    },
    {
      what: `serve on a store of ${store.million.toLocaleString('en')} reports (${store.dbMB.toFixed(0)} MB): to listening`,
      value: `${store.restartListeningMs.toFixed(0)} ms`,
      ratio: `${vsEmpty(store.restartListeningMs)}x`,
      goal: '< 10 s',
    },
    {
      what: '  to its first answered upload',
      value: `${store.restartFirstAnswerMs.toFixed(0)} ms`,
      ratio: `${vsEmpty(store.restartFirstAnswerMs)}x, RSS ${store.serverRssMB.toFixed(0)} MB`,
      goal: '',
    },
  ];
}

function mergeIntakeRows(baseEnv) {
  process.stderr.write('measuring intake while serve merges 100,000 reports in its worker…\n');
  const during = JSON.parse(runScript('server-merge-intake.mjs', { env: baseEnv }));
  return [
    {
      what: `serve's merge of ${during.reports.toLocaleString('en')} reports in its worker (SQLite store)`,
      value: `${during.mergeMs.toFixed(0)} ms`,
      ratio: '',
      goal: '< 5 s',
    },
    {
      what: `  uploads answered meanwhile (${during.uploads}, ${during.failed} not 200)`,
      value: `p99 ${during.p99.toFixed(1)} ms`,
      ratio: `p50 ${during.p50.toFixed(1)} ms, max ${during.max.toFixed(1)} ms`,
      goal: 'p99 < 50 ms',
    },
    {
      what: `  the same load in the 3 s after the merge (${during.after.uploads})`,
      value: `p99 ${during.after.p99.toFixed(1)} ms`,
      ratio: `p50 ${during.after.p50.toFixed(1)} ms`,
      goal: '',
    },
  ];
}

/** Every server row, in the order the table shows them. */
export function measureServer(baseEnv) {
  return [
    ...intakeRows(),
    ...mergeRows(baseEnv),
    ...storeRows(baseEnv),
    ...mergeIntakeRows(baseEnv),
  ];
}
