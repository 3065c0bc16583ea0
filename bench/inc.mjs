// Increment cost on one mapping: Counter.inc() against a raw Atomics.add on the same
// BigUint64Array slot, measured in the same process, interleaved, median of several runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { open, Counter, StackCounter, inc } = await import(process.env.TT_DIST_COUNTER);
const N = Number(process.env.BENCH_N ?? 20_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const r = open({
  dir: mkdtempSync(join(tmpdir(), 'tt-bench-')),
  program: 'bench',
  version: '1.0.0',
});
if (!r.file) throw new Error(`bench needs a mapped file: ${r.reason}`);

const c = new Counter('bench/inc');
c.inc();
const view = c.v; // the very slot c.inc() updates
const idx = c.i;

function raw(count) {
  for (let i = 0; i < count; i++) Atomics.add(view, idx, 1n);
}
function counter(count) {
  for (let i = 0; i < count; i++) c.inc();
}
function byName(count) {
  for (let i = 0; i < count; i++) inc('bench/by-name');
}
function adds(count) {
  for (let i = 0; i < count; i++) c.add(3);
}
const stack = new StackCounter('bench/stack', 8);
function stacks(count) {
  for (let i = 0; i < count; i++) stack.inc();
}

function time(loop, count) {
  const t0 = process.hrtime.bigint();
  loop(count);
  return Number(process.hrtime.bigint() - t0) / count;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cases = {
  raw: [raw, N],
  inc: [counter, N],
  add: [adds, N],
  incByName: [byName, N / 4],
  stack: [stacks, N / 200],
};
for (const [loop, count] of Object.values(cases)) loop(Math.min(count, 1_000_000)); // warm up the JIT
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let run = 0; run < RUNS; run++)
  for (const [name, [loop, count]] of Object.entries(cases)) samples[name].push(time(loop, count));
const out = Object.fromEntries(
  Object.entries(samples).map(([name, times]) => [name, median(times)]),
);
process.stdout.write(JSON.stringify({ backend: r.backend, ns: out }) + '\n');
