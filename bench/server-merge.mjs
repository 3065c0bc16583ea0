// The collector's merge: 100,000 generated reports (test/server/report-gen.ts) put into the
// embedded SQLite store over 7 arrival days, then one `runMerge` in each publication mode
// from a fresh open of the store (reading every report back from disk, parsing, summing,
// writing NDJSON, week sums and aggregates). Baseline: JSON.parse of the same bodies in memory.
// Prints one JSON line of milliseconds (wall, and CPU time for each merge).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSources } from './sources.mjs';

const N = Number(process.env.BENCH_MERGE_REPORTS ?? 100_000);
const work = mkdtempSync(join(tmpdir(), 'tt-merge-bench-'));
const { generateReports, openSqliteStore, runMerge, addDays } = await importSources('merge', [
  "export { generateReports } from './test/server/report-gen.ts';",
  "export { openSqliteStore } from './server/store/sqlite.ts';",
  "export { runMerge, addDays } from './server/merge/index.ts';",
]);

const reports = generateReports({
  seed: 1,
  count: N,
  weeks: ['2026-11-23', '2026-11-25', '2026-11-27', '2026-11-29', '2026-12-01'],
});
const bodies = reports.map((report) => JSON.stringify(report));
const timed = async (task) => {
  const t0 = performance.now();
  await task();
  return performance.now() - t0;
};

const parse = await timed(() => {
  for (const body of bodies) JSON.parse(body);
});
const raw = join(work, 'raw');
let store = await openSqliteStore(raw);
const put = await timed(() =>
  Promise.all(
    reports.map((report, i) =>
      store.put({
        week: report.Week,
        x: String(report.X),
        day: addDays(report.Week, 1 + (i % 7)),
        body: bodies[i],
      }),
    ),
  ),
);
await store.close();
const agg = join(work, 'agg');
cpSync(raw, agg, { recursive: true });
const now = new Date('2026-12-31T12:00:00Z');
const result = {};
for (const [mode, dir] of [
  ['raw', raw],
  ['aggregates', agg],
]) {
  store = await openSqliteStore(dir);
  let merged;
  const cpu0 = process.cpuUsage();
  result[mode] = await timed(async () => {
    merged = await runMerge(store, {
      publish: mode,
      k: 20,
      epsilon: mode === 'aggregates' ? 1 : undefined,
      now,
    });
  });
  // CPU time (user + system) of this process: what the merge costs, whatever else runs on the machine.
  const cpu = process.cpuUsage(cpu0);
  result[`${mode}Cpu`] = (cpu.user + cpu.system) / 1000;
  await store.close();
  if (merged.days.reduce((sum, day) => sum + day.reports, 0) !== N)
    throw new Error(`${mode}: merged ${JSON.stringify(merged.days)}, want ${N} reports`);
}
const bytes = bodies.reduce((sum, body) => sum + body.length, 0);
rmSync(work, { recursive: true, force: true });
console.log(JSON.stringify({ reports: N, mb: bytes / 1e6, parse, put, ...result }));
