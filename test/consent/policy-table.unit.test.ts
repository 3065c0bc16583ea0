// The mode policy's whole decision table (counter/settings): every combination of a user's
// choices, the opt-out variables and the project setting, against an independent expectation.
import { afterAll, describe, expect, it } from 'vitest';
import { type Layout, layout } from '../../counter/settings/index.js';
import { type Mode, writeMachineMode, writeProgramMode } from '../../counter/settings/index.js';
import { type Reason, decide } from '../../counter/settings/index.js';
import { removeTempDirs, tempDir } from './harness.js';
import { pkg, repo } from './repo-fixture.js';

afterAll(removeTempDirs);

// The decision table: every combination of choices and opt-outs.
const PROGRAM = 'table-tool';
const TOOL_VAR = 'TABLE_TOOL_TELEMETRY_DISABLED';
type Choice = Mode | null;
const CHOICES: Choice[] = [null, 'on', 'local', 'off'];
const DNT = [undefined, '1', '0'];
const GLOBAL = [undefined, 'local', 'off', 'on', 'bogus'];
const TOOL = [undefined, '1', 'true', '0'];
const PROJECT: (string | null)[] = [null, 'off', 'local', 'on'];
const RANK: Record<Mode, number> = { off: 0, local: 1, on: 2 };

interface Expected {
  mode: Mode;
  source: Reason['source'];
  detail: string;
}

/** Written out independently of policy.ts: the choice, then the first strictest opt-out that lowers it. */
function expected(
  machine: Choice,
  program: Choice,
  env: Record<string, string>,
  project: string | null,
  projectFile: string,
  dirs: Layout,
): Expected {
  let best: Expected =
    program !== null
      ? { mode: program, source: 'program', detail: dirs.programModesFile }
      : machine !== null
        ? { mode: machine, source: 'machine', detail: dirs.modeFile }
        : { mode: 'local', source: 'default', detail: 'no choice made yet' };
  const caps: Expected[] = [];
  if (env.DO_NOT_TRACK === '1') caps.push({ mode: 'off', source: 'env', detail: 'DO_NOT_TRACK=1' });
  const g = env.TRANSPARENT_TELEMETRY;
  if (g === 'local' || g === 'off' || g === 'bogus')
    caps.push({
      mode: g === 'local' ? 'local' : 'off',
      source: 'env',
      detail: `TRANSPARENT_TELEMETRY=${g}`,
    });
  const t = env[TOOL_VAR];
  if (t === '1' || t === 'true')
    caps.push({ mode: 'off', source: 'env', detail: `${TOOL_VAR}=${t}` });
  if (project === 'off' || project === 'local')
    caps.push({ mode: project, source: 'project', detail: projectFile });
  for (const c of caps) if (RANK[c.mode] < RANK[best.mode]) best = c;
  return best;
}

function projectRepos(): Map<string | null, { cwd: string; home: string; file: string }> {
  const out = new Map<string | null, { cwd: string; home: string; file: string }>();
  for (const value of PROJECT) {
    const r = repo();
    const file = pkg(r.root, value === null ? { name: 'plain' } : { transparentTelemetry: value });
    out.set(value, { cwd: r.cwd, home: r.home, file });
  }
  return out;
}

describe('decision table', () => {
  const repos = projectRepos();
  for (const machine of CHOICES) {
    for (const program of CHOICES) {
      it(`machine ${machine ?? '-'}, program ${program ?? '-'}`, () => {
        const dirs = layout(tempDir('table'));
        if (machine) writeMachineMode(dirs, machine);
        // Another program's choice must never leak into this one's.
        writeProgramMode(dirs, 'someone-else', 'off');
        if (program) writeProgramMode(dirs, PROGRAM, program);
        const failures: string[] = [];
        let rows = 0;
        for (const dnt of DNT)
          for (const g of GLOBAL)
            for (const t of TOOL)
              for (const [project, where] of repos) {
                const env: Record<string, string> = { OTHER_TOOL_TELEMETRY_DISABLED: '1' };
                if (dnt !== undefined) env.DO_NOT_TRACK = dnt;
                if (g !== undefined) env.TRANSPARENT_TELEMETRY = g;
                if (t !== undefined) env[TOOL_VAR] = t;
                const want = expected(machine, program, env, project, where.file, dirs);
                const got = decide({
                  dirs,
                  program: PROGRAM,
                  env,
                  cwd: where.cwd,
                  home: where.home,
                });
                rows++;
                const detailOk =
                  want.source === 'project'
                    ? got.decidedBy.detail.includes(want.detail)
                    : got.decidedBy.detail === want.detail;
                if (got.mode !== want.mode || got.decidedBy.source !== want.source || !detailOk) {
                  failures.push(
                    `${JSON.stringify({ env, project })}: got ${got.mode} by ${got.decidedBy.detail}, want ${want.mode} by ${want.detail}`,
                  );
                }
              }
        expect(rows).toBe(DNT.length * GLOBAL.length * TOOL.length * PROJECT.length);
        expect(failures).toEqual([]);
      });
    }
  }
});
