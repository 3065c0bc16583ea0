// `npm start`: runs demo-tool a few times against a temporary telemetry directory, then
// shows what was counted, as a user would see it with `telemetry dump`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), 'transparent-telemetry-demo-'));
const env = { ...process.env, TRANSPARENT_TELEMETRY_DIR: dir };
for (const k of ['DO_NOT_TRACK', 'TRANSPARENT_TELEMETRY', 'DEMO_TOOL_TELEMETRY_DISABLED']) delete env[k];

const runs = [[], ['ada'], ['ada', 'grace', '--shout'], ['--twice', 'linus'], ['a-name-far-too-long-to-greet'], ['--shout', 'margaret']];
console.log(`telemetry directory: ${dir}\n`);
for (const args of runs) {
  console.log(`$ demo-tool ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [join(here, 'demo-tool', 'cli.mjs'), ...args], { env, encoding: 'utf8' });
  const out = (r.stdout + r.stderr).trimEnd();
  if (out) console.log(out.replace(/^/gm, '  '));
}
console.log('\n$ telemetry dump   # what was counted this week, on this machine only\n');
const dump = spawnSync(process.execPath, [join(here, '..', 'dist', 'cmd', 'telemetry.js'), 'dump'], { env, stdio: 'inherit' });
console.log(`\n$ demo-tool telemetry   # the same commands, mounted in the tool and scoped to it\n`);
spawnSync(process.execPath, [join(here, 'demo-tool', 'cli.mjs'), 'telemetry'], { env, stdio: 'inherit' });
process.exitCode = dump.status ?? 1;
