// A collection-config log of 10,000 entries: how long a monitor's full check (verifyLog) takes
// from a fresh read, against the baseline of SHA-256 over the same bytes (the hashing no check
// can avoid). Prints one JSON line of milliseconds.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { appendToLog, dirReader, generateKey, verifyLog } = await import(process.env.TT_DIST_CONFIG);
const dir = mkdtempSync(join(tmpdir(), 'tt-log-bench-'));
const key = generateKey('bench.example/log');
const entries = Array.from({ length: 10_000 }, (_, i) =>
  Buffer.from(`{"config":${i},"pad":"${'x'.repeat(200)}"}`),
);
for (let i = 0; i < entries.length; i += 2_500)
  appendToLog(dir, entries.slice(i, i + 2_500), key.signer, 'bench.example/log');

const files = (dir) =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );
const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const time = (work) => {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
};
const verify = [];
const hash = [];
for (let i = 0; i < 7; i++) {
  verify.push(time(() => verifyLog(dirReader(dir), key.verifier)));
  hash.push(
    time(() => {
      for (const f of files(dir)) createHash('sha256').update(readFileSync(f)).digest();
    }),
  );
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ verify: median(verify), hash: median(hash) }));
