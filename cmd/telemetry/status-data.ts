// What `telemetry status` reports, gathered from the settings and files under one directory: the
// mode and who chose it, the overrides that apply here, each known program's decision, the count
// files and reports on disk, and each collector's state. status.ts renders it as text or JSON.
import { isActive, listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import {
  type Choice,
  type Decision,
  type Layout,
  type Reason,
  type Reports,
  listReports,
  noticesProblem,
  readMachineMode,
  readProgramModes,
  readPrograms,
  readProgramsFile,
  weekendProblem,
} from '../../counter/settings/index.js';
import type { Unreadable } from '../../safeio/index.js';
import type { Context } from './context.js';
import { decideFor, declared } from './known.js';
import { byCodePoint } from './read-files.js';
import { unwritable } from './writable.js';
import { type CollectorView, collectorViews } from './collectors.js';

export interface Status {
  directory: string;
  mode: {
    mode: string;
    date: string | null;
    source: 'machine' | 'default' | 'unreadable';
    file: string;
  };
  /** Settings files that exist but cannot be read, and what that does. */
  unreadable: { file: string; reason: string; effect: string }[];
  programChoices: { program: string; mode: string; date: string | null }[];
  overrides: Reason[];
  programs: {
    program: string;
    envVar: string | null;
    command: string | null;
    mode: string;
    decidedBy: Reason;
    chosen: Reason;
  }[];
  countFiles: { active: string[]; finished: string[] };
  /** Why tools cannot write count files here (they then count in memory only), or null. */
  countsInMemory: string | null;
  reports: Reports;
  /** Per collector: last upload (and the sent copy), last config verification, waiting and dropped weeks. */
  collectors: CollectorView[];
  warnings: string[];
}

export function collectStatus(ctx: Context): Status {
  const { dirs, now } = ctx;
  const warnings: string[] = [];
  const { choices } = readProgramModes(dirs);
  if (readProgramsFile(dirs) === null)
    warnings.push(
      `${dirs.programsFile}: ignored, not a JSON object of programs (tools leave it as it is)`,
    );
  const files = readFiles(dirs, now, warnings);
  const mounted = ctx.inv.program ? [ctx.inv.program] : [];
  const programs = readPrograms(dirs);
  const known = [
    ...new Set([...choices.keys(), ...files.programs, ...programs.keys(), ...mounted]),
  ].sort(byCodePoint);
  const ask = (program: string): Decision => decideFor(ctx, program, programs);
  const overall = ask('');
  const decisions = known.map((program) => ({ program, decision: ask(program) }));
  for (const w of [overall, ...decisions.map((entry) => entry.decision)].flatMap(
    (decision) => decision.warnings,
  ))
    if (!warnings.includes(w)) warnings.push(w);
  return {
    directory: dirs.root,
    mode: machineMode(dirs),
    unreadable: unreadableSettings(dirs),
    programChoices: [...choices].map(([program, choice]: [string, Choice]) => ({
      program,
      mode: choice.mode,
      date: choice.date,
    })),
    overrides: uniqueOverrides([overall, ...decisions.map((entry) => entry.decision)]),
    programs: decisions.map(({ program, decision }) => {
      const own = declared(programs, program);
      return {
        program,
        envVar: own.offVar,
        command: own.command ?? null,
        mode: decision.mode,
        decidedBy: decision.decidedBy,
        chosen: decision.chosen,
      };
    }),
    countFiles: { active: files.active, finished: files.finished },
    countsInMemory: unwritable(dirs.localDir),
    reports: listReports(dirs),
    collectors: collectorViews(dirs, programs),
    warnings,
  };
}

function machineMode(dirs: Layout): Status['mode'] {
  const m = readMachineMode(dirs);
  if (m?.unreadable) return { mode: 'off', date: null, source: 'unreadable', file: dirs.modeFile };
  return m
    ? { mode: m.mode, date: m.date, source: 'machine', file: dirs.modeFile }
    : { mode: 'local', date: null, source: 'default', file: dirs.modeFile };
}

/** Each settings file that exists but cannot be used, with what that means (docs/settings.md). */
function unreadableSettings(dirs: Layout): Status['unreadable'] {
  const found: [Unreadable | null | undefined, string][] = [
    [
      readMachineMode(dirs)?.unreadable,
      'every program is off until it is repaired or replaced (telemetry on|off|local)',
    ],
    [readProgramModes(dirs).unreadable, 'every program is off until it is repaired or removed'],
    [
      noticesProblem(dirs),
      'no notice is shown and no question asked, and the file is left as it is',
    ],
    [weekendProblem(dirs), 'programs count in memory only until it is repaired or removed'],
  ];
  return found.flatMap(([problem, effect]) =>
    problem ? [{ file: problem.file, reason: problem.reason, effect }] : [],
  );
}

function readFiles(dirs: Layout, now: Date, warnings: string[]) {
  const active: string[] = [];
  const finished: string[] = [];
  const programs = new Set<string>();
  for (const file of listCountFiles(dirs.localDir)) {
    const r = readCountFile(file);
    if ('error' in r) {
      warnings.push(r.error);
      continue;
    }
    if (r.info.program) programs.add(r.info.program);
    (isActive(r.info, now) ? active : finished).push(file);
  }
  return { active, finished, programs };
}

function uniqueOverrides(decisions: Decision[]): Reason[] {
  const seen = new Map<string, Reason>();
  for (const r of decisions.flatMap((decision) => decision.overrides))
    if (!seen.has(r.detail)) seen.set(r.detail, r);
  return [...seen.values()];
}
