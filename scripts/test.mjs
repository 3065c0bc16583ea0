// The test command (`npm test`): installs what browser tests need when it is missing, builds,
// type-checks, runs vitest, and ends with the plain line "N passed, N failed" that CI reads.
// `npm test -- test/some/file.test.ts` (any file or name filter) runs only those files, skips
// the type check and rebuilds dist/ only when a source is newer than the last build: seconds.
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import {
  existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync,
} from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts });
const step = (what, cmd, args) => {
  const r = run(cmd, args);
  if (r.status !== 0) {
    console.error(`error: ${what} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
};

if (existsSync('scripts/ensure-chromium.mjs')) step('installing Chromium', 'node', ['scripts/ensure-chromium.mjs']);
if (existsSync('scripts/ensure-wine.mjs')) step('installing Wine and Node 22 for Windows', 'node', ['scripts/ensure-wine.mjs']);
if (existsSync('scripts/ensure-node-versions.mjs')) step('installing Node 22 and 24', 'node', ['scripts/ensure-node-versions.mjs']);
const args = process.argv.slice(2);
/** Arguments that are not options name files or tests: a targeted run, not the whole suite. */
const targeted = args.some((arg) => !arg.startsWith('-'));

/** What the build reads; dist/ is current when none of it is newer than the stamp. */
const BUILD_INPUTS = [
  'counter', 'config', 'upload', 'cmd', 'server', 'safeio', 'report', 'native', 'scripts/build.mjs',
  'scripts/build-native.mjs', 'package.json', 'tsconfig.json', 'tsconfig.build.json',
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
if (!stamp || !targeted || Math.max(...BUILD_INPUTS.map((p) => newest(p))) >= stamp.mtimeMs) {
  step('build', 'node', ['scripts/build.mjs']);
  writeFileSync(STAMP, '');
}
// The whole suite type-checks every source; a targeted run leaves that to `npm run typecheck`.
if (!targeted) step('type check', 'npx', ['tsc', '--noEmit', '-p', '.']);
// The linter (biome.json: floating promises, unused code, type-only imports, no `any`): 2 s.
if (!targeted) step('lint', 'npx', ['biome', 'lint', '.']);

// test/go-interop runs Go's own x/telemetry: without go it skips locally, and fails in CI.
// Looked up on PATH rather than run: the go command counts its own use under the real home.
if (!(process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, 'go')))) {
  const ci = (await import('ci-info')).default.isCI;
  console.error(`${ci ? 'error' : 'warning'}: go is required for the Go interop tests: install Go 1.24 or later (https://go.dev/dl)`);
  if (ci) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

mkdirSync('test-output', { recursive: true });
// A real PostgreSQL for the server's tests when none is given; stopped when this run exits.
if (existsSync('scripts/ensure-postgres.mjs')) process.env.TT_TEST_DATABASE_URL = (await (await import('./ensure-postgres.mjs')).forTests()) ?? '';
const out = 'test-output/vitest.json';
rmSync(out, { force: true });
const vitestArgs = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args];
const r = run('npx', ['vitest', ...vitestArgs], {
  env: { ...process.env, NO_COLOR: '1' },
});
let s;
try {
  s = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(r.status || 1);
}
const skipped = s.numPendingTests + s.numTodoTests;
// A file that fails outside its tests (a beforeAll, an import) counts as one failure.
const broken = s.testResults.filter((t) => t.status === 'failed' && !t.assertionResults.some((a) => a.status === 'failed')).length;
console.log(`${s.numPassedTests} passed, ${s.numFailedTests + broken} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.status ?? 1);
