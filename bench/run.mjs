// `npm run bench`: prints a table of costs with ratios against baselines measured in the
// same run. Results with their date go in bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const dist = resolve(here, '..', 'dist', 'counter', 'index.js');
const baseEnv = { ...process.env, TT_DIST_COUNTER: dist };
for (const k of Object.keys(baseEnv)) if (k === 'DO_NOT_TRACK' || (k.startsWith('TRANSPARENT_TELEMETRY') && k !== 'TRANSPARENT_TELEMETRY_BACKEND')) delete baseEnv[k];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];

function incBench(backend) {
  const r = spawnSync(process.execPath, [join(here, 'inc.mjs')], { env: { ...baseEnv, TRANSPARENT_TELEMETRY_BACKEND: backend }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

for (const backend of ['addon', 'koffi']) {
  process.stderr.write(`measuring increments (${backend})…\n`);
  const { ns } = incBench(backend);
  const row = (what, v, goal) => rows.push({ what: `${what} [${backend}]`, value: `${v.toFixed(2)} ns`, ratio: `${(v / ns.raw).toFixed(2)}x raw`, goal });
  rows.push({ what: `raw Atomics.add on the mapped BigUint64Array [${backend}]`, value: `${ns.raw.toFixed(2)} ns`, ratio: '1.00x', goal: 'baseline' });
  row('Counter.inc()', ns.inc, '<= 1.3x');
  row('Counter.add(3)', ns.add, '');
  row("inc('name') (map lookup + inc)", ns.incByName, '');
  row('StackCounter.inc() (depth 8, known stack)', ns.stack, '');
}

/**
 * One run. Node's own start-up varies by ±10 ms from run to run on a busy machine, which
 * would drown a few milliseconds of ours; so each child also reports the time from its
 * first line to exit, and what the toolkit adds is that span minus the bare one.
 */
function startOnce(args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const [boot, span] = r.stdout.trim().split(' ').map(Number);
  return { wall, boot, span };
}

process.stderr.write('measuring a 10,000-entry log…\n');
{
  const r = spawnSync(process.execPath, [join(here, 'log.mjs')], { env: { ...baseEnv, TT_DIST_CONFIG: resolve(here, '..', 'dist', 'config', 'index.js') }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const { verify, hash } = JSON.parse(r.stdout);
  rows.push({ what: 'read and SHA-256 every file of a 10,000-entry log', value: `${hash.toFixed(1)} ms`, ratio: '1.00x', goal: 'baseline' });
  rows.push({ what: 'verifyLog: a monitor verifies that log from a fresh read', value: `${verify.toFixed(1)} ms`, ratio: `${(verify / hash).toFixed(2)}x`, goal: '< 1 s' });
}

process.stderr.write('measuring the collection server\'s intake…\n');
{
  const intake = (env, stores) => {
    const r = spawnSync(process.execPath, [join(here, 'server-intake.mjs'), ...stores], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim().split('\n').map((line) => JSON.parse(line));
  };
  const GOALS = { bare: 'ceiling', sqlite: '>= 5,000/s, p99 < 20 ms', postgres: '>= 2,000/s', godev: 'peer' };
  const label = (m) => ({ bare: 'bare node:http server, same load: answers/s', godev: "Go's telemetrygodev (file storage, no fsync): reports accepted/s", 'sqlite-normal': 'server intake, SQLite store, --sync normal: reports accepted/s' })[m.store] ?? `server intake, ${m.store === 'sqlite' ? 'SQLite (--sync full)' : m.store} store: reports accepted/s`;
  const rowsOf = (results) => {
    const go = results.find((m) => m.store === 'godev' && !m.skipped);
    for (const m of results) {
      const goal = GOALS[m.store] ?? '';
      if (m.skipped) {
        rows.push({ what: `${label(m)} (${m.store})`, value: 'skipped', ratio: m.skipped, goal });
        continue;
      }
      const vsGo = go && m.store !== 'godev' && m.store !== 'bare' ? `, ${(m.perSecond / go.perSecond).toFixed(2)}x Go's` : '';
      rows.push({ what: `${label(m)} (${m.concurrency} connections, ${m.generator})`, value: `${Math.round(m.perSecond)}/s`, ratio: `p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, server CPU ${Math.round(m.serverCpuUs)} µs/report${vsGo}`, goal });
      if (m.paced) rows.push({ what: `  the same at a fixed ${m.paced.rate}/s (Node generator)`, value: `${m.paced.accepted} of ${m.paced.rate * 4}`, ratio: `p50 ${m.paced.p50.toFixed(1)} ms, p99 ${m.paced.p99.toFixed(1)} ms`, goal: '' });
      const t = m.atTarget;
      if (t) rows.push({ what: `  the same at about ${t.target}/s (${t.connections} clients with think time, wrk)`, value: `${Math.round(t.perSecond)}/s`, ratio: `p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms`, goal: m.store === 'sqlite' ? 'p99 < 20 ms' : '' });
    }
  };
  rowsOf(intake({ BENCH_INTAKE_CONCURRENCY: '64' }, ['bare', 'sqlite', 'sqlite-normal', 'postgres', 'godev']));
  rowsOf(intake({ BENCH_INTAKE_CONCURRENCY: '8', BENCH_INTAKE_LATENCY: '0' }, ['sqlite', 'sqlite-normal', 'godev']));
}

process.stderr.write('measuring the collector\'s merge of 100,000 reports…\n');
{
  const r = spawnSync(process.execPath, [join(here, 'server-merge.mjs')], { env: baseEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(r.stdout);
  rows.push({ what: `JSON.parse of ${m.reports.toLocaleString('en')} report bodies (${m.mb.toFixed(1)} MB) in memory`, value: `${m.parse.toFixed(0)} ms`, ratio: '1.00x', goal: 'baseline' });
  rows.push({ what: '  (put them into the SQLite store over 7 days)', value: `${m.put.toFixed(0)} ms`, ratio: `${(m.put / m.parse).toFixed(2)}x`, goal: '' });
  for (const mode of ['raw', 'aggregates']) {
    rows.push({ what: `merge them from the store, --publish ${mode}${mode === 'aggregates' ? ' (ε 1, raw deleted)' : ''}`, value: `${m[mode].toFixed(0)} ms`, ratio: `${(m[mode] / m.parse).toFixed(2)}x, CPU ${m[`${mode}Cpu`].toFixed(0)} ms`, goal: '< 5 s' });
  }
}

process.stderr.write('measuring the SQLite store: heap per report, restart holding a million…\n');
{
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'server-store.mjs')], { env: baseEnv, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(r.stdout);
  rows.push({ what: `SQLite store: V8 heap per stored report (${m.reports.toLocaleString('en')} reports)`, value: `${m.heapBytesPerReport.toFixed(1)} B`, ratio: '', goal: '< 200 B' });
  rows.push({ what: 'serve on an empty data directory: start to listening', value: `${m.emptyListeningMs.toFixed(0)} ms`, ratio: '1.00x', goal: 'baseline' });
  rows.push({ what: `serve on a store of ${m.million.toLocaleString('en')} reports (${m.dbMB.toFixed(0)} MB): to listening`, value: `${m.restartListeningMs.toFixed(0)} ms`, ratio: `${(m.restartListeningMs / m.emptyListeningMs).toFixed(2)}x`, goal: '< 10 s' });
  rows.push({ what: '  to its first answered upload', value: `${m.restartFirstAnswerMs.toFixed(0)} ms`, ratio: `${(m.restartFirstAnswerMs / m.emptyListeningMs).toFixed(2)}x, RSS ${m.serverRssMB.toFixed(0)} MB`, goal: '' });
}

process.stderr.write('measuring intake while serve merges 100,000 reports in its worker…\n');
{
  const r = spawnSync(process.execPath, [join(here, 'server-merge-intake.mjs')], { env: baseEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(r.stdout);
  rows.push({ what: `serve's merge of ${m.reports.toLocaleString('en')} reports in its worker (SQLite store)`, value: `${m.mergeMs.toFixed(0)} ms`, ratio: '', goal: '< 5 s' });
  rows.push({ what: `  uploads answered meanwhile (${m.uploads}, ${m.failed} not 200)`, value: `p99 ${m.p99.toFixed(1)} ms`, ratio: `p50 ${m.p50.toFixed(1)} ms, max ${m.max.toFixed(1)} ms`, goal: 'p99 < 50 ms' });
  rows.push({ what: `  the same load in the 3 s after the merge (${m.after.uploads})`, value: `p99 ${m.after.p99.toFixed(1)} ms`, ratio: `p50 ${m.after.p50.toFixed(1)} ms`, goal: '' });
}

process.stderr.write('measuring cold starts…\n');
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 81);
const dir = mkdtempSync(join(tmpdir(), 'tt-cold-'));
// A directory without the day's upload token and with nothing due (only this week's file): every
// open() there runs the due check, as on a machine in its first week. Everyday is `dir`, whose
// token is fresh, as a machine's is after the day's run started.
const firstWeek = mkdtempSync(join(tmpdir(), 'tt-cold-first-week-'));
const variants = {
  bare: [[join(here, 'empty.mjs')], baseEnv],
  // The addon is what a tool's plain `npm install` brings; koffi is its fallback.
  local: [[join(here, 'cold.mjs')], { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: dir, TRANSPARENT_TELEMETRY_BACKEND: 'addon' }],
  'local, koffi': [[join(here, 'cold.mjs')], { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: dir, TRANSPARENT_TELEMETRY_BACKEND: 'koffi' }],
  'local, no upload token, nothing due': [[join(here, 'cold.mjs')], { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: firstWeek, TRANSPARENT_TELEMETRY_BACKEND: 'addon' }],
  off: [[join(here, 'cold.mjs')], { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: dir, DO_NOT_TRACK: '1' }],
};
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: [], boot: [], span: [] }]));
for (const d of [dir, firstWeek]) for (let i = 0; i < 3; i++) startOnce(variants.local[0], { ...variants.local[1], TRANSPARENT_TELEMETRY_DIR: d }); // create the directory and file first
writeFileSync(join(dir, 'upload.token'), ''); // nothing is due, so no run would take it
// Interleaved, so a slow phase of the machine hits every variant alike.
for (let i = 0; i < RUNS; i++) {
  for (const [k, [args, env]] of Object.entries(variants)) {
    const t = startOnce(args, env);
    for (const m of ['wall', 'boot', 'span']) times[k][m].push(t[m]);
  }
}
const ms = (k, m) => median(times[k][m]);
const bare = ms('bare', 'wall');
rows.push({ what: 'cold start: bare node running an empty module (spawn to reap)', value: `${bare.toFixed(1)} ms`, ratio: '1.00x', goal: 'baseline' });
for (const [k, goal] of [['local', '<= 1.05x'], ['local, koffi', ''], ['local, no upload token, nothing due', 'a first week'], ['off', '<= 1.02x']]) {
  const extra = ms(k, 'span') - ms('bare', 'span');
  rows.push({ what: `cold start: import + open() + inc(), mode ${k}: added time`, value: `+${extra.toFixed(2)} ms`, ratio: `${((bare + extra) / bare).toFixed(3)}x bare`, goal });
}
for (const k of ['local', 'off']) {
  const v = ms(k, 'wall');
  rows.push({ what: `  (cross-check: whole process, mode ${k})`, value: `${v.toFixed(1)} ms`, ratio: `${(v / bare).toFixed(3)}x bare`, goal: 'noisy' });
}

process.stderr.write('measuring host exits with a background upload starting…\n');
{
  const r = spawnSync(process.execPath, [join(here, 'upload.mjs')], { env: baseEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const { wall, span } = JSON.parse(r.stdout);
  const [base, ...others] = Object.keys(wall);
  rows.push({ what: `host exit, mode on: ${base} (spawn to reap)`, value: `${wall[base].toFixed(1)} ms`, ratio: '1.00x', goal: 'baseline' });
  // A collector that never answers must cost the host nothing more than starting the run does.
  const run = others.find((k) => k.startsWith('no collector'));
  for (const k of others) {
    const vsRun = k.startsWith('collector') ? `, ${(wall[k] / wall[run]).toFixed(3)}x the run without one` : '';
    const goal = k.startsWith('collector') ? 'equal to the run without one' : k === run ? 'once a day per machine' : '';
    rows.push({ what: `host exit: ${k}`, value: `${wall[k].toFixed(1)} ms`, ratio: `${(wall[k] / wall[base]).toFixed(3)}x${vsRun}`, goal });
  }
  for (const k of Object.keys(span)) rows.push({ what: `  (in-process span, first line to exit: ${k})`, value: `${span[k].toFixed(1)} ms`, ratio: `${(span[k] / span[base]).toFixed(3)}x`, goal: '' });
}

const widths = ['what', 'value', 'ratio', 'goal'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(['what', 'value', 'ratio', 'goal']));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line([r.what, r.value, r.ratio, r.goal]));
console.log(`\n${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.platform}/${process.arch}; medians (increments: 7 runs of 20M; cold starts: ${RUNS} runs each, interleaved; added time = median span from the module's first line to exit, minus the bare one)`);
