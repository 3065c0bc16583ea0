// Paired start-up comparison of builds: `node bench/cold-ab.mjs <name>=<dist/counter/index.js>[:<backend>] …`
// (default: this checkout's dist as "this"). Each build runs bench/cold.mjs in mode local
// (the addon) with the day's upload token fresh (everyday) and absent with nothing due (the due
// check runs: a machine's first week), and in mode off; a bare node runs empty.mjs. All runs
// are interleaved, so a slow phase of the machine hits every variant alike; medians of the
// in-process span minus the bare one (run.mjs explains why). BENCH_AB_RUNS sets the count.
// Builds without the upload trigger ignore the token, so their two local rows measure the same.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const RUNS = Number(process.env.BENCH_AB_RUNS ?? 61);
// `:<backend>` forces a mapping backend for that build (an older build has no `addon`).
const builds = process.argv.slice(2).map((arg) => {
  const [name, spec] = arg.split('=');
  const [dist, backend = 'addon'] = spec.split(':');
  return [name, dist, backend];
});
if (builds.length === 0)
  builds.push(['this', resolve(here, '..', 'dist', 'counter', 'index.js'), 'addon']);
const base = { ...process.env };
for (const key of Object.keys(base))
  if (
    key === 'DO_NOT_TRACK' ||
    key.startsWith('TRANSPARENT_TELEMETRY') ||
    key.endsWith('_TELEMETRY_DISABLED')
  )
    delete base[key];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const temp = mkdtempSync(join(tmpdir(), 'tt-cold-ab-'));

const variants = { bare: { args: [join(here, 'empty.mjs')], env: base } };
const tokened = [];
for (const [name, dist, backend] of builds) {
  const dir = (what) => mkdtempSync(join(temp, `${name.replace(/\W+/g, '-')}-${what}-`));
  const local = (stateDir) => ({
    args: [join(here, 'cold.mjs')],
    env: {
      ...base,
      TT_DIST_COUNTER: resolve(dist),
      TRANSPARENT_TELEMETRY_DIR: stateDir,
      TRANSPARENT_TELEMETRY_BACKEND: backend,
    },
  });
  const fresh = dir('token');
  tokened.push(fresh);
  variants[`${name}: local, token fresh (everyday)`] = local(fresh);
  variants[`${name}: local, no token, nothing due (due check)`] = local(dir('none'));
  variants[`${name}: off (DO_NOT_TRACK=1)`] = {
    args: [join(here, 'cold.mjs')],
    env: {
      ...base,
      TT_DIST_COUNTER: resolve(dist),
      TRANSPARENT_TELEMETRY_DIR: dir('off'),
      DO_NOT_TRACK: '1',
    },
  };
}

function span({ args, env }) {
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  return Number(child.stdout.trim().split(' ')[1]);
}

// Create each directory and count file first; then the token (nothing is due, so no run takes it).
for (const variant of Object.values(variants)) for (let i = 0; i < 3; i++) span(variant);
for (const stateDir of tokened) writeFileSync(join(stateDir, 'upload.token'), '');
const times = Object.fromEntries(Object.keys(variants).map((label) => [label, []]));
for (let i = 0; i < RUNS; i++)
  for (const [label, variant] of Object.entries(variants)) times[label].push(span(variant));
rmSync(temp, { recursive: true, force: true });

const bare = median(times.bare);
process.stdout.write(`${RUNS} interleaved runs each; bare node's span ${bare.toFixed(2)} ms\n`);
// Against the first build: the median of the differences within each round, which a slow phase
// of the machine disturbs less than the difference of two medians.
const first = builds[0][0];
for (const [label, spans] of Object.entries(times)) {
  if (label === 'bare') continue;
  const ref = times[label.replace(/^[^:]+:/, `${first}:`)];
  const paired = label.startsWith(`${first}:`)
    ? ''
    : `   ${median(spans.map((x, i) => x - ref[i])) >= 0 ? '+' : ''}${median(spans.map((x, i) => x - ref[i])).toFixed(2)} ms vs ${first}, paired`;
  process.stdout.write(`${label.padEnd(58)} +${(median(spans) - bare).toFixed(2)} ms${paired}\n`);
}
