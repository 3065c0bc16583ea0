// The precedence table of docs/settings.md ("The user's choice"), row by row, each in a real process against the files it writes.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../counter/settings/index.js';
import { cleanEnv, countFiles, runFixture, tempDir } from '../helpers.js';

type Choice = Mode | null;
interface Row {
  machine: Choice;
  program: Choice;
  env: Record<string, string>;
  project: 'off' | 'local' | null;
}

const rank = { off: 0, local: 1, on: 2 } as const;

function expected(row: Row): Mode {
  let m: Mode = row.program ?? row.machine ?? 'local';
  const caps: Mode[] = [];
  if (row.env.DO_NOT_TRACK && !['', '0', 'false'].includes(row.env.DO_NOT_TRACK)) caps.push('off');
  if (row.env.TRANSPARENT_TELEMETRY) caps.push(row.env.TRANSPARENT_TELEMETRY as Mode);
  if (row.env.PREC_TOOL_TELEMETRY_DISABLED) caps.push('off');
  if (row.project) caps.push(row.project);
  for (const c of caps) if (rank[c] < rank[m]) m = c;
  return m;
}

const choices: Choice[] = [null, 'on', 'local', 'off'];
const rows: Row[] = [];
for (const machine of choices)
  for (const program of choices) rows.push({ machine, program, env: {}, project: null });
const optOuts: Array<Pick<Row, 'env' | 'project'>> = [
  { env: { DO_NOT_TRACK: '1' }, project: null },
  { env: { DO_NOT_TRACK: 'false' }, project: null },
  { env: { TRANSPARENT_TELEMETRY: 'local' }, project: null },
  { env: { TRANSPARENT_TELEMETRY: 'off' }, project: null },
  { env: { PREC_TOOL_TELEMETRY_DISABLED: '1' }, project: null },
  { env: { OTHER_TOOL_TELEMETRY_DISABLED: '1' }, project: null },
  { env: {}, project: 'local' },
  { env: {}, project: 'off' },
  { env: { TRANSPARENT_TELEMETRY: 'local' }, project: 'off' },
];
for (const o of optOuts)
  for (const [machine, program] of [
    ['on', null],
    [null, 'on'],
    ['off', 'on'],
    ['on', 'local'],
  ] as const)
    rows.push({ machine, program, ...o });

function label(row: Row): string {
  const env = Object.entries(row.env)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `machine ${row.machine ?? '-'}, program ${row.program ?? '-'}${env ? `, ${env}` : ''}${row.project ? `, project ${row.project}` : ''}`;
}

describe('effective mode in a real process', () => {
  it.each(rows.map((row) => [label(row), row] as const))('%s', (_line, row) => {
    const dir = join(tempDir(), 'tt');
    const repo = tempDir('repo-');
    mkdirSync(join(repo, '.git'));
    if (row.machine || row.program) mkdirSync(dir);
    if (row.machine) writeFileSync(join(dir, 'mode'), `${row.machine} 2026-11-01`);
    if (row.program)
      writeFileSync(
        join(dir, 'program-modes.json'),
        JSON.stringify({ '@acme/prec-tool': { mode: row.program, date: '2026-11-02' } }),
      );
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify(
        row.project ? { name: 'repo', transparentTelemetry: row.project } : { name: 'repo' },
      ),
    );
    const r = runFixture(
      'count.mjs',
      { dir, program: '@acme/prec-tool', version: '1.0.0', after: [['prec/x', 1]] },
      cleanEnv(row.env),
      repo,
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const want = expected(row);
    expect(result.mode).toBe(want);
    if (want === 'off') {
      expect(countFiles(dir)).toEqual([]);
      expect(existsSync(join(dir, 'local'))).toBe(false);
    } else {
      expect(countFiles(dir)).toHaveLength(1);
      expect(countFiles(dir)[0]).toMatch(/%40acme%2Fprec-tool@1\.0\.0-/);
    }
  });
});
