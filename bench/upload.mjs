// What starting the weekly upload costs the host (docs/upload.md, The background run): the host's whole life, spawn
// to reap, when its open() starts a background run against a collector that never answers
// (a 127.0.0.1 listener that accepts and stays silent; an https address nothing routes to),
// against the everyday case (the day's token is taken, nothing starts) and counting off.
// Prints JSON: { runs, wall: {variant: median ms}, span: {variant: median ms} }.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 31);
const KEY = 'bench.example+4f2a9c1e+AVRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2cu';
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const env = { ...process.env };
env.TT_DIST_COUNTER ??= resolve(here, '..', 'dist', 'counter', 'index.js');
for (const k of Object.keys(env))
  if (
    k === 'DO_NOT_TRACK' ||
    k.startsWith('TRANSPARENT_TELEMETRY') ||
    k.endsWith('_TELEMETRY_DISABLED')
  )
    delete env[k];

const held = [];
const blackhole = createServer((socket) => void held.push(socket));
await new Promise((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
const port = blackhole.address().port;

/** A directory in mode on holding a count file whose week ended long ago (work for the uploader). */
function dirFor(name) {
  const dir = join(tmpdir(), `tt-bench-upload-${process.pid}-${name.replace(/\W+/g, '-')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'local'), { recursive: true });
  mkdirSync(join(dir, 'debug'));
  writeFileSync(join(dir, 'mode'), 'on 2026-01-01');
  writeFileSync(join(dir, 'local', 'old@1.0.0-node20.0.0-linux-x64-2026-01-05.v1.count'), '');
  return dir;
}

const variants = {
  'no collector, token taken (nothing starts)': { collector: null, token: true },
  'no collector, a run starts': { collector: null, token: false },
  'collector on 127.0.0.1 that never answers, a run starts': {
    collector: `http://127.0.0.1:${port}/c`,
    token: false,
  },
  'collector at a non-routable https address, a run starts': {
    collector: 'https://10.255.255.1/c',
    token: false,
  },
  'counting off (DO_NOT_TRACK=1)': { collector: null, token: true, off: true },
};
for (const v of Object.values(variants)) v.dir = dirFor(JSON.stringify(v));

/** Ends the run a host started (its pid is in its debug log), so runs never pile up. */
function endRun(dir) {
  const debug = join(dir, 'debug');
  const deadline = Date.now() + 5000;
  for (;;) {
    const logs = readdirSync(debug).filter((name) => name.startsWith('upload-'));
    const text = logs.map((name) => readFileSync(join(debug, name), 'utf8')).join('');
    const pid = /upload run started \(pid (\d+)\)/.exec(text)?.[1];
    if (pid || Date.now() > deadline) {
      try {
        if (pid) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // It ended by itself.
      }
      for (const n of logs) rmSync(join(debug, n));
      return;
    }
    spawnSync('sleep', ['0.02']);
  }
}

function once(variant) {
  if (variant.token) writeFileSync(join(variant.dir, 'upload.token'), '');
  else rmSync(join(variant.dir, 'upload.token'), { force: true });
  const spec = {
    program: 'bench-up',
    ...(variant.collector ? { collector: { url: variant.collector, key: KEY } } : {}),
  };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(here, 'upload-host.mjs'), JSON.stringify(spec)], {
    env: {
      ...env,
      TRANSPARENT_TELEMETRY_DIR: variant.dir,
      ...(variant.off ? { DO_NOT_TRACK: '1' } : {}),
    },
    encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(r.stderr);
  if (!variant.token) endRun(variant.dir);
  return { wall, span: Number(r.stdout.trim().split(' ')[1]) };
}

const times = Object.fromEntries(
  Object.keys(variants).map((variant) => [variant, { wall: [], span: [] }]),
);
for (const v of Object.values(variants)) once(v); // warm the page cache
for (let i = 0; i < RUNS; i++) {
  for (const [k, v] of Object.entries(variants)) {
    const t = once(v);
    times[k].wall.push(t.wall);
    times[k].span.push(t.span);
  }
}
for (const s of held) s.destroy();
blackhole.close();
for (const v of Object.values(variants)) rmSync(v.dir, { recursive: true, force: true });
const pick = (measure) =>
  Object.fromEntries(
    Object.entries(times).map(([variant, samples]) => [variant, median(samples[measure])]),
  );
process.stdout.write(JSON.stringify({ runs: RUNS, wall: pick('wall'), span: pick('span') }) + '\n');
