// Per-name cost: what a new counter name costs when the week's file already holds
// N names (1,000, 10,000, 100,000), and what a second process pays per name that is already in
// the file. Each name's first increment finds or allocates its record (hash chains over 512
// fixed buckets); growth of the file happens in the maintenance step, so every batch is timed
// until that step has placed it. `node bench/names.mjs` (BENCH_NAMES=1000,10000,100000;
// BENCH_DIST=<dist/counter/index.js> measures another build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const dist =
  process.env.BENCH_DIST ?? resolve(import.meta.dirname, '..', 'dist', 'counter', 'index.js');

if (process.argv[2] === 'child') {
  const [, , , dir, mode, total] = process.argv;
  const { open, Counter } = await import(dist);
  const r = open({ dir, program: 'names', version: '1' });
  if (!r.file) throw new Error(`not counting to a file: ${r.reason}`);
  const turn = () => new Promise((done) => setImmediate(done));
  /** Increments names [from, until) and waits for the maintenance step; microseconds per name. */
  const batch = async (from, until) => {
    const t0 = process.hrtime.bigint();
    for (let i = from; i < until; i++) new Counter(`bench/name/${i}`).inc();
    await turn();
    await turn();
    return Number(process.hrtime.bigint() - t0) / 1000 / (until - from);
  };
  const n = Number(total);
  // Batches of a tenth (at most 1,000): the first one of a process also pays for compiling
  // the code, so it is never the one reported.
  const size = Math.min(1000, n / 10);
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const times = [];
  if (mode === 'fill') {
    for (let i = 0; i < n; i += size) await batch(i, i + size);
    // New names in a file holding n (to n + 7 batches): the median batch, against the machine's noise.
    for (let i = n; i < n + 7 * size; i += size) times.push(await batch(i, i + size));
  } else {
    // Names already there; the first batch left out.
    for (let i = 0; i < n; i += size) times.push(await batch(i, i + size));
    times.shift();
  }
  process.stdout.write(`${median(times)}\n`);
} else {
  const sizes = (process.env.BENCH_NAMES ?? '1000,10000,100000').split(',').map(Number);
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key === 'DO_NOT_TRACK' || key.startsWith('TRANSPARENT_TELEMETRY')) delete env[key];
  const run = (dir, mode, names) => {
    const child = spawnSync(
      process.execPath,
      [import.meta.filename, 'child', dir, mode, String(names)],
      { env, encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(child.stderr);
    return Number(child.stdout);
  };
  const rows = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'tt-names-'));
    const fresh = run(dir, 'fill', n);
    const existing = run(dir, 'again', n);
    rmSync(dir, { recursive: true, force: true });
    rows.push({
      names: n,
      'new name (µs), file holding N': fresh.toFixed(2),
      'existing name, 2nd process (µs)': existing.toFixed(2),
    });
  }
  console.table(rows);
}
