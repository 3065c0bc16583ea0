// `npm run bench`: prints a table of costs with ratios against baselines measured in the
// same run. Results with their date go in bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureServer } from './run-server.mjs';

const here = import.meta.dirname;
const dist = resolve(here, '..', 'dist', 'counter', 'index.js');
const baseEnv = { ...process.env, TT_DIST_COUNTER: dist };
for (const k of Object.keys(baseEnv))
  if (
    k === 'DO_NOT_TRACK' ||
    (k.startsWith('TRANSPARENT_TELEMETRY') && k !== 'TRANSPARENT_TELEMETRY_BACKEND')
  )
    delete baseEnv[k];
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const rows = [];

function incBench(backend) {
  const child = spawnSync(process.execPath, [join(here, 'inc.mjs')], {
    env: { ...baseEnv, TRANSPARENT_TELEMETRY_BACKEND: backend },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout);
}

for (const backend of ['addon', 'koffi']) {
  process.stderr.write(`measuring increments (${backend})…\n`);
  const { ns } = incBench(backend);
  const row = (what, nanos, goal) =>
    rows.push({
      what: `${what} [${backend}]`,
      value: `${nanos.toFixed(2)} ns`,
      ratio: `${(nanos / ns.raw).toFixed(2)}x raw`,
      goal,
    });
  rows.push({
    what: `raw Atomics.add on the mapped BigUint64Array [${backend}]`,
    value: `${ns.raw.toFixed(2)} ns`,
    ratio: '1.00x',
    goal: 'baseline',
  });
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
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  const [boot, span] = child.stdout.trim().split(' ').map(Number);
  return { wall, boot, span };
}

process.stderr.write('measuring a 10,000-entry log…\n');
{
  const r = spawnSync(process.execPath, [join(here, 'log.mjs')], {
    env: { ...baseEnv, TT_DIST_CONFIG: resolve(here, '..', 'dist', 'config', 'index.js') },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const { verify, hash } = JSON.parse(r.stdout);
  rows.push({
    what: 'read and SHA-256 every file of a 10,000-entry log',
    value: `${hash.toFixed(1)} ms`,
    ratio: '1.00x',
    goal: 'baseline',
  });
  rows.push({
    what: 'verifyLog: a monitor verifies that log from a fresh read',
    value: `${verify.toFixed(1)} ms`,
    ratio: `${(verify / hash).toFixed(2)}x`,
    goal: '< 1 s',
  });
}

rows.push(...measureServer(baseEnv));

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
  local: [
    [join(here, 'cold.mjs')],
    { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: dir, TRANSPARENT_TELEMETRY_BACKEND: 'addon' },
  ],
  'local, koffi': [
    [join(here, 'cold.mjs')],
    { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: dir, TRANSPARENT_TELEMETRY_BACKEND: 'koffi' },
  ],
  'local, no upload token, nothing due': [
    [join(here, 'cold.mjs')],
    { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: firstWeek, TRANSPARENT_TELEMETRY_BACKEND: 'addon' },
  ],
  off: [
    [join(here, 'cold.mjs')],
    { ...baseEnv, TRANSPARENT_TELEMETRY_DIR: dir, DO_NOT_TRACK: '1' },
  ],
};
const times = Object.fromEntries(
  Object.keys(variants).map((variant) => [variant, { wall: [], boot: [], span: [] }]),
);
for (const d of [dir, firstWeek])
  for (let i = 0; i < 3; i++)
    startOnce(variants.local[0], { ...variants.local[1], TRANSPARENT_TELEMETRY_DIR: d }); // create the directory and file first
writeFileSync(join(dir, 'upload.token'), ''); // nothing is due, so no run would take it
// Interleaved, so a slow phase of the machine hits every variant alike.
for (let i = 0; i < RUNS; i++) {
  for (const [k, [args, env]] of Object.entries(variants)) {
    const t = startOnce(args, env);
    for (const m of ['wall', 'boot', 'span']) times[k][m].push(t[m]);
  }
}
const ms = (variant, measure) => median(times[variant][measure]);
const bare = ms('bare', 'wall');
rows.push({
  what: 'cold start: bare node running an empty module (spawn to reap)',
  value: `${bare.toFixed(1)} ms`,
  ratio: '1.00x',
  goal: 'baseline',
});
for (const [k, goal] of [
  ['local', '<= 1.05x'],
  ['local, koffi', ''],
  ['local, no upload token, nothing due', 'a first week'],
  ['off', '<= 1.02x'],
]) {
  const extra = ms(k, 'span') - ms('bare', 'span');
  rows.push({
    what: `cold start: import + open() + inc(), mode ${k}: added time`,
    value: `+${extra.toFixed(2)} ms`,
    ratio: `${((bare + extra) / bare).toFixed(3)}x bare`,
    goal,
  });
}
for (const k of ['local', 'off']) {
  const v = ms(k, 'wall');
  rows.push({
    what: `  (cross-check: whole process, mode ${k})`,
    value: `${v.toFixed(1)} ms`,
    ratio: `${(v / bare).toFixed(3)}x bare`,
    goal: 'noisy',
  });
}

process.stderr.write('measuring host exits with a background upload starting…\n');
{
  const r = spawnSync(process.execPath, [join(here, 'upload.mjs')], {
    env: baseEnv,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const { wall, span } = JSON.parse(r.stdout);
  const [base, ...others] = Object.keys(wall);
  rows.push({
    what: `host exit, mode on: ${base} (spawn to reap)`,
    value: `${wall[base].toFixed(1)} ms`,
    ratio: '1.00x',
    goal: 'baseline',
  });
  // A collector that never answers must cost the host nothing more than starting the run does.
  const run = others.find((variant) => variant.startsWith('no collector'));
  for (const k of others) {
    const vsRun = k.startsWith('collector')
      ? `, ${(wall[k] / wall[run]).toFixed(3)}x the run without one`
      : '';
    const goal = k.startsWith('collector')
      ? 'equal to the run without one'
      : k === run
        ? 'once a day per machine'
        : '';
    rows.push({
      what: `host exit: ${k}`,
      value: `${wall[k].toFixed(1)} ms`,
      ratio: `${(wall[k] / wall[base]).toFixed(3)}x${vsRun}`,
      goal,
    });
  }
  for (const k of Object.keys(span))
    rows.push({
      what: `  (in-process span, first line to exit: ${k})`,
      value: `${span[k].toFixed(1)} ms`,
      ratio: `${(span[k] / span[base]).toFixed(3)}x`,
      goal: '',
    });
}

const widths = ['what', 'value', 'ratio', 'goal'].map((column) =>
  Math.max(column.length, ...rows.map((row) => String(row[column]).length)),
);
const line = (cells) =>
  '| ' + cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(['what', 'value', 'ratio', 'goal']));
console.log('|' + widths.map((width) => '-'.repeat(width + 2)).join('|') + '|');
for (const r of rows) console.log(line([r.what, r.value, r.ratio, r.goal]));
console.log(
  `\n${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.platform}/${process.arch}; medians (increments: 7 runs of 20M; cold starts: ${RUNS} runs each, interleaved; added time = median span from the module's first line to exit, minus the bare one)`,
);
