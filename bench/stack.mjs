// StackCounter.inc() on a known stack, called at a shallow and a deep point (the caller 40
// frames down), and the cost a crash adds to the dying process: the time the crash listener
// takes (name the stack, increment, maintenance step), from a child that throws. Median of runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = process.env.TT_DIST_COUNTER;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const N = Number(process.env.BENCH_N ?? 100_000);
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

if (process.argv[2] === 'crash') {
  // The child: open with crashes, then throw; our own monitor listener, added after the
  // toolkit's, reads the clock the toolkit's listener left behind.
  const { open } = await import(dist);
  open({ dir: process.argv[3], program: 'bench', version: '1.0.0', crashes: true });
  let t0 = 0n;
  process.prependListener('uncaughtExceptionMonitor', () => (t0 = process.hrtime.bigint()));
  process.on('uncaughtExceptionMonitor', () =>
    process.stdout.write(`${Number(process.hrtime.bigint() - t0) / 1e3}\n`),
  );
  const boom = () => {
    throw new Error('bench crash');
  };
  setTimeout(boom, 1);
} else {
  const { open, StackCounter } = await import(dist);
  open({ dir: mkdtempSync(join(tmpdir(), 'tt-bench-')), program: 'bench', version: '1.0.0' });
  const stack = new StackCounter('bench/stack', 8);
  const loop = (iterations) => {
    for (let i = 0; i < iterations; i++) stack.inc();
  };
  const deep = (left, iterations) => (left === 0 ? loop(iterations) : deep(left - 1, iterations));
  const time = (work) => {
    const t0 = process.hrtime.bigint();
    work();
    return Number(process.hrtime.bigint() - t0) / N;
  };
  loop(N);
  deep(40, N); // warm up, and name both stacks
  const shallow = [];
  const deepNs = [];
  for (let r = 0; r < RUNS; r++) {
    shallow.push(time(() => loop(N)));
    deepNs.push(time(() => deep(40, N)));
  }
  const crash = [];
  for (let r = 0; r < RUNS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'tt-bench-crash-'));
    const child = spawnSync(process.execPath, [import.meta.filename, 'crash', dir], {
      env: process.env,
      encoding: 'utf8',
    });
    crash.push(Number(child.stdout.trim()));
  }
  const us = (nanos) => `${(nanos / 1000).toFixed(2)} µs`;
  process.stdout.write(
    `StackCounter.inc(), shallow: ${us(median(shallow))}\nStackCounter.inc(), 40 frames down: ${us(median(deepNs))}\n`,
  );
  process.stdout.write(
    `crash listener (name, increment, maintenance), first crash in a new file: ${median(crash).toFixed(0)} µs\n`,
  );
}
