// Increment cost on one mapping: Counter.inc() against a raw Atomics.add on the same
// BigUint64Array slot, measured in the same process, interleaved, median of several runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { open, Counter, StackCounter, inc } = await import(process.env.TT_DIST_COUNTER);
const N = Number(process.env.BENCH_N ?? 20_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const r = open({ dir: mkdtempSync(join(tmpdir(), 'tt-bench-')), program: 'bench', version: '1.0.0' });
if (!r.file) throw new Error(`bench needs a mapped file: ${r.reason}`);

const c = new Counter('bench/inc');
c.inc();
const view = c.v; // the very slot c.inc() updates
const idx = c.i;

function raw(n) {
  for (let i = 0; i < n; i++) Atomics.add(view, idx, 1n);
}
function counter(n) {
  for (let i = 0; i < n; i++) c.inc();
}
function byName(n) {
  for (let i = 0; i < n; i++) inc('bench/by-name');
}
function adds(n) {
  for (let i = 0; i < n; i++) c.add(3);
}
const stack = new StackCounter('bench/stack', 8);
function stacks(n) {
  for (let i = 0; i < n; i++) stack.inc();
}

function time(fn, n) {
  const t0 = process.hrtime.bigint();
  fn(n);
  return Number(process.hrtime.bigint() - t0) / n;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = { raw: [raw, N], inc: [counter, N], add: [adds, N], incByName: [byName, N / 4], stack: [stacks, N / 200] };
for (const [fn, n] of Object.values(cases)) fn(Math.min(n, 1_000_000)); // warm up the JIT
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let run = 0; run < RUNS; run++) for (const [k, [fn, n]] of Object.entries(cases)) samples[k].push(time(fn, n));
const out = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
process.stdout.write(JSON.stringify({ backend: r.backend, ns: out }) + '\n');
