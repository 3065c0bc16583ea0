// The test command (`npm test`): installs what tests need when it is missing (Chromium,
// PostgreSQL, Wine, Node 22 and 24), builds,
// type-checks, runs vitest, and ends with the plain line "N passed, N failed" that CI reads.
// `npm test -- test/some/file.test.ts` (any file or name filter) runs only those files, skips
// the type check and rebuilds dist/ only when a source is newer than the last build: seconds.
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts });
const step = (what, cmd, args) => {
  const result = run(cmd, args);
  if (result.status !== 0) {
    console.error(`error: ${what} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
};

const args = process.argv.slice(2);
/** Arguments that are not options name files, tests or a tier: a targeted run, not the whole suite. */
const targeted = args.some((arg) => !arg.startsWith('-'));
/** `--project unit` (`npm run test:unit`): no browser, no other Node, no database, no Go. */
const unitOnly =
  args
    .join(' ')
    .match(/--project[= ](\S+)/g)
    ?.every((flag) => flag.endsWith('unit')) ?? false;

if (!unitOnly) {
  if (existsSync('scripts/ensure-chromium.mjs'))
    step('installing Chromium', 'node', ['scripts/ensure-chromium.mjs']);
  if (existsSync('scripts/ensure-wine.mjs'))
    step('installing Wine and Node 22 for Windows', 'node', ['scripts/ensure-wine.mjs']);
  if (existsSync('scripts/ensure-node-versions.mjs'))
    step('installing Node 22 and 24', 'node', ['scripts/ensure-node-versions.mjs']);
}

/** What the build reads; dist/ is current when none of it is newer than the stamp. */
const BUILD_INPUTS = [
  'counter',
  'config',
  'upload',
  'cmd',
  'server',
  'safeio',
  'report',
  'native',
  'scripts/build.mjs',
  'scripts/build-native.mjs',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
];
const STAMP = 'dist/.built';

function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  const inside = readdirSync(path).filter((name) => name !== 'node_modules' && name !== 'dist');
  return Math.max(stat.mtimeMs, ...inside.map((name) => newest(join(path, name))));
}

const stamp = statSync(STAMP, { throwIfNoEntry: false });
step('native build', 'node', ['scripts/build-native.mjs']);
if (!stamp || !targeted || Math.max(...BUILD_INPUTS.map((path) => newest(path))) >= stamp.mtimeMs) {
  step('build', 'node', ['scripts/build.mjs']);
  writeFileSync(STAMP, '');
}
// The whole suite type-checks every source; a targeted run leaves that to `npm run typecheck`.
if (!targeted) step('type check', 'npx', ['tsc', '--noEmit', '-p', '.']);
// The formatter's layout and the linter (biome.json: floating promises, unused code, type-only
// imports, no `any`, no one- or two-letter parameters): `npm run format` fixes the layout. 2 s.
if (!targeted) step('format and lint', 'npx', ['biome', 'check', '.']);

// test/go-interop runs Go's own x/telemetry: without go it skips locally, and fails in CI.
// Looked up on PATH rather than run: the go command counts its own use under the real home.
const hasGo = (process.env.PATH ?? '')
  .split(delimiter)
  .some((dir) => dir && existsSync(join(dir, 'go')));
if (!unitOnly && !hasGo) {
  const ci = (await import('ci-info')).default.isCI;
  console.error(
    `${ci ? 'error' : 'warning'}: go is required for the Go interop tests: install Go 1.24 or later (https://go.dev/dl)`,
  );
  if (ci) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

mkdirSync('test-output', { recursive: true });
// A real PostgreSQL for the server's tests when none is given; stopped when this run exits.
if (!unitOnly && existsSync('scripts/ensure-postgres.mjs'))
  process.env.TT_TEST_DATABASE_URL =
    (await (await import('./ensure-postgres.mjs')).forTests()) ?? '';
const out = 'test-output/vitest.json';
rmSync(out, { force: true });
const vitestArgs = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...args,
];
const vitest = run('npx', ['vitest', ...vitestArgs], {
  env: { ...process.env, NO_COLOR: '1' },
});
let report;
try {
  report = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(vitest.status || 1);
}
const skipped = report.numPendingTests + report.numTodoTests;
// A file that fails outside its tests (a beforeAll, an import) counts as one failure.
const broken = report.testResults.filter(
  (file) =>
    file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
).length;
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests + broken} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(vitest.status ?? 1);
