// Start-up cost as a tool author's user gets it: the packed tarball installed into
// an empty project, a tool that imports it statically (ESM) or `require`s it (CommonJS), opens
// and counts once; against a bare node running an empty module of the same kind. Node 20 (this
// node) and 22 and 24 (scripts/ensure-node-versions.mjs), `NODE_EXTRA_CA_CERTS` unset (with it
// Node 20 parses 220 KB of certificates at every start). Modes: local, the everyday path (this
// week's file exists, the upload token is fresh), and off (DO_NOT_TRACK=1). Every variant runs
// once per round, rounds interleaved; printed: the median over rounds of (variant − bare) in
// the same round, whole process (spawn to reap) and in-process (first line to exit).
// `node bench/startup.mjs` (BENCH_STARTUP_RUNS, default 41; BENCH_STARTUP_NODES=20,22,24;
// BENCH_STARTUP_PACKAGE, another checkout to pack; BENCH_STARTUP_AGAINST, a checkout of an older
// build to pack as well and run in the same rounds, printing the paired differences).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installedNode } from '../scripts/installed-node.mjs';

const root = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 41);
const wanted = (process.env.BENCH_STARTUP_NODES ?? '20,22,24').split(',');
const nodes = { 20: process.execPath };
for (const major of ['22', '24']) nodes[major] = installedNode(major);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const work = mkdtempSync(join(tmpdir(), 'tt-startup-'));
// The two projects' paths have the same length: with `app` and `app-before`, the same build
// read ~0.8 ms less CPU in `app` on Node 24 (counting off, whole process; 2026-12-06, 12:16 UTC),
// ~0.1 ms with `app-new` and `app-old` (bench/README.md).
const app = join(work, 'app-new');
function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
/** Packs `checkout` and installs the tarball into a new empty project `dir`. */
function install(checkout, dir) {
  const packed = join(dir, 'packed');
  mkdirSync(packed, { recursive: true });
  sh('npm', ['pack', '--silent', '--pack-destination', packed], checkout);
  const tarball = join(
    packed,
    readdirSync(packed).find((name) => name.endsWith('.tgz')),
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'bench-tool', version: '1.0.0', private: true }),
  );
  sh('npm', ['install', '--silent', '--no-audit', '--no-fund', tarball], dir);
}
process.stderr.write('packing and installing the tarball into an empty project…\n');
// BENCH_STARTUP_PACKAGE=<checkout> measures another build (its `npm pack`) the same way.
install(process.env.BENCH_STARTUP_PACKAGE ?? root, app);
// BENCH_STARTUP_AGAINST=<checkout>: an older build, in its own project, run in the same rounds.
const against = process.env.BENCH_STARTUP_AGAINST;
const appBefore = join(work, 'app-old');
if (against) install(against, appBefore);
const apps = against ? [app, appBefore] : [app];
// The floor any package pays: an installed package with the same exports shape as ours whose
// open() and inc() do nothing. Node resolves, loads and links it like ours, so (ours − floor)
// is what our own code costs, and (floor − bare) what importing any package costs.
const floorDir = join(app, 'node_modules', 'empty-package');
mkdirSync(floorDir, { recursive: true });
const floorExports = { require: './index.cjs', 'module-sync': './index.js', import: './index.js' };
writeFileSync(
  join(floorDir, 'package.json'),
  JSON.stringify({
    name: 'empty-package',
    version: '1.0.0',
    type: 'module',
    exports: { './counter': floorExports },
  }),
);
writeFileSync(join(floorDir, 'index.js'), 'export function open() {}\nexport function inc() {}\n');
writeFileSync(join(floorDir, 'index.cjs'), 'exports.open = () => {};\nexports.inc = () => {};\n');

// The tools: what the README shows. The in-process variants take their first timestamp
// before the toolkit loads, so they use a dynamic import; the whole-process ones are literal.
// Each whole-process tool also prints the CPU time it used (user + system, from its start to its
// exit event): on a machine shared with other work, CPU time varies far less than wall time.
const cpu =
  "process.on('exit', () => { const u = process.cpuUsage(); " +
  'process.stdout.write(`${(u.user + u.system) / 1000}\\n`); });\n';
const counting = "open({ program: 'bench', version: '1' });\ninc('bench/run');\n";
const files = {
  'bare.mjs': cpu,
  'bare.cjs': cpu,
  'tool.mjs': `import { open, inc } from 'transparent-telemetry/counter';\n${counting}${cpu}`,
  'tool.cjs': `const { open, inc } = require('transparent-telemetry/counter');\n${counting}${cpu}`,
  'floor.mjs': `import { open, inc } from 'empty-package/counter';\n${counting}${cpu}`,
  'floor.cjs': `const { open, inc } = require('empty-package/counter');\n${counting}${cpu}`,
  'span-bare.mjs':
    "const t0 = performance.now();\nprocess.on('exit', () => process.stdout.write(`${performance.now() - t0}\\n`));\n",
  'span-tool.mjs':
    "const t0 = performance.now();\nconst { open, inc } = await import('transparent-telemetry/counter');\n" +
    "open({ program: 'bench', version: '1' });\ninc('bench/run');\n" +
    "process.on('exit', () => process.stdout.write(`${performance.now() - t0}\\n`));\n",
};
for (const dir of apps)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

const base = { ...process.env };
for (const key of Object.keys(base)) {
  if (
    key === 'NODE_EXTRA_CA_CERTS' ||
    key === 'DO_NOT_TRACK' ||
    key.startsWith('TRANSPARENT_TELEMETRY') ||
    key.endsWith('_TELEMETRY_DISABLED')
  )
    delete base[key];
}
const telemetryDir = join(work, 'telemetry');
const modes = {
  local: { ...base, TRANSPARENT_TELEMETRY_DIR: telemetryDir },
  off: { ...base, TRANSPARENT_TELEMETRY_DIR: telemetryDir, DO_NOT_TRACK: '1' },
};

/** One run: whole-process milliseconds, and what the child printed (its span, or its CPU time). */
function once(node, file, env, cwd = app) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, [file], { cwd, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${node} ${file} failed: ${r.stderr}`);
  return { wall, span: Number(r.stdout.trim()) };
}

const variants = [];
for (const major of wanted) {
  const node = nodes[major];
  if (!existsSync(node)) {
    process.stderr.write(
      `Node ${major}: ${node} is missing (node scripts/ensure-node-versions.mjs)\n`,
    );
    continue;
  }
  for (const kind of ['mjs', 'cjs']) {
    variants.push({ key: `${major} ${kind} bare`, node, file: `bare.${kind}`, env: base });
    variants.push({ key: `${major} ${kind} floor`, node, file: `floor.${kind}`, env: base });
    for (const [mode, env] of Object.entries(modes)) {
      variants.push({ key: `${major} ${kind} ${mode}`, node, file: `tool.${kind}`, env });
      if (against)
        variants.push({
          key: `${major} ${kind} ${mode} before`,
          node,
          file: `tool.${kind}`,
          env,
          cwd: appBefore,
        });
    }
  }
  variants.push({ key: `${major} span bare`, node, file: 'span-bare.mjs', env: base });
  for (const [mode, env] of Object.entries(modes)) {
    variants.push({ key: `${major} span ${mode}`, node, file: 'span-tool.mjs', env });
    if (against)
      variants.push({
        key: `${major} span ${mode} before`,
        node,
        file: 'span-tool.mjs',
        env,
        cwd: appBefore,
      });
  }
}

// Warm-up: creates the telemetry directory, this week's file and the settings; then the day's
// upload token, so no run does the upload trigger's due check (the everyday path).
for (const v of variants) for (let i = 0; i < 3; i++) once(v.node, v.file, v.env, v.cwd);
writeFileSync(join(telemetryDir, 'upload.token'), '');
const loadBefore = load();
const times = Object.fromEntries(variants.map((variant) => [variant.key, []]));
// Every other round runs the variants in reverse order: a run right after another one costs less
// (measured: ~1 ms of CPU for the second of two back-to-back tools, 2026-12-06), so a fixed order
// would favour whichever variant comes second, the older build's twin included.
const reversed = [...variants].reverse();
for (let round = 0; round < RUNS; round++)
  for (const v of round % 2 ? reversed : variants)
    times[v.key].push(once(v.node, v.file, v.env, v.cwd));
const loadAfter = load();
rmSync(work, { recursive: true, force: true });

const paired = (key, bareKey, field) =>
  median(times[key].map((run, i) => run[field] - times[bareKey][i][field]));
const fmt = (millis) => `${millis >= 0 ? '+' : ''}${millis.toFixed(2)} ms`;
const out = [
  `${new Date().toISOString().slice(0, 10)}, ${RUNS} interleaved rounds, load average ${loadBefore} before, ${loadAfter} after`,
];
out.push('Whole process, wall time:');
out.push(
  '| Node | bare node | ESM local | ESM off | bare (CJS) | CJS local | CJS off | in-process local | in-process off |',
);
out.push('|---|---|---|---|---|---|---|---|---|');
for (const major of wanted) {
  if (!times[`${major} mjs bare`]) continue;
  const whole = (kind) => [
    fmt(paired(`${major} ${kind} local`, `${major} ${kind} bare`, 'wall')),
    fmt(paired(`${major} ${kind} off`, `${major} ${kind} bare`, 'wall')),
  ];
  const bareMs = (kind) =>
    `${median(times[`${major} ${kind} bare`].map((run) => run.wall)).toFixed(1)} ms`;
  const span = (mode) => fmt(paired(`${major} span ${mode}`, `${major} span bare`, 'span'));
  out.push(
    `| ${major} | ${bareMs('mjs')} | ${whole('mjs').join(' | ')} | ${bareMs('cjs')} | ${whole('cjs').join(' | ')} | ${span('local')} | ${span('off')} |`,
  );
}
process.stdout.write(`${out.join('\n')}\n`);
out.length = 0;
out.push('CPU time of the whole-process runs (user + system, to the exit event), same rounds:');
out.push('| Node | bare (ESM) | ESM local | ESM off | bare (CJS) | CJS local | CJS off |');
out.push('|---|---|---|---|---|---|---|');
for (const major of wanted) {
  if (!times[`${major} mjs bare`]) continue;
  const row = [major];
  for (const kind of ['mjs', 'cjs']) {
    row.push(`${median(times[`${major} ${kind} bare`].map((run) => run.span)).toFixed(1)} ms`);
    for (const mode of ['local', 'off'])
      row.push(fmt(paired(`${major} ${kind} ${mode}`, `${major} ${kind} bare`, 'span')));
  }
  out.push(`| ${row.join(' | ')} |`);
}
process.stdout.write(`${out.join('\n')}\n`);
out.length = 0;
out.push(
  'Any package: an empty one with the same exports (floor − bare), and ours beyond it, CPU / wall:',
);
out.push(
  '| Node | floor, ESM | ESM local − floor | ESM off − floor | floor, CJS | CJS local − floor | CJS off − floor |',
);
out.push('|---|---|---|---|---|---|---|');
const both = (key, other) =>
  ['span', 'wall'].map((field) => fmt(paired(key, other, field))).join(' / ');
for (const major of wanted) {
  if (!times[`${major} mjs bare`]) continue;
  const row = [major];
  for (const kind of ['mjs', 'cjs']) {
    row.push(both(`${major} ${kind} floor`, `${major} ${kind} bare`));
    for (const mode of ['local', 'off'])
      row.push(both(`${major} ${kind} ${mode}`, `${major} ${kind} floor`));
  }
  out.push(`| ${row.join(' | ')} |`);
}
process.stdout.write(`${out.join('\n')}\n`);
if (against) {
  // Paired per round: this build's run minus the older build's run of the same variant.
  out.length = 0;
  out.push(
    `Against ${against}: the older build's CPU time added (whole process, vs bare), then median of (this − older) per round, CPU / wall:`,
  );
  out.push(
    '| Node | older: ESM local | ESM off | CJS local | CJS off | this − older: ESM local | ESM off | CJS local | CJS off | in-process local | in-process off |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|---|');
  const againstOlder = (key, field) =>
    median(times[key].map((run, i) => run[field] - times[`${key} before`][i][field]));
  for (const major of wanted) {
    if (!times[`${major} mjs bare`]) continue;
    const row = [major];
    for (const kind of ['mjs', 'cjs'])
      for (const mode of ['local', 'off'])
        row.push(fmt(paired(`${major} ${kind} ${mode} before`, `${major} ${kind} bare`, 'span')));
    for (const kind of ['mjs', 'cjs'])
      for (const mode of ['local', 'off'])
        row.push(
          `${fmt(againstOlder(`${major} ${kind} ${mode}`, 'span'))} / ${fmt(againstOlder(`${major} ${kind} ${mode}`, 'wall'))}`,
        );
    for (const mode of ['local', 'off'])
      row.push(fmt(againstOlder(`${major} span ${mode}`, 'span')));
    out.push(`| ${row.join(' | ')} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
