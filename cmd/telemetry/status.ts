// `telemetry status` (alias `env`): everything that decides what gets counted and sent,
// and why, as seen from the current directory.
import { Command } from 'commander';
import { basename } from 'node:path';
import { isActive, listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import {
  type Choice, type Decision, type Layout, type Reason, type Reports, listReports, noticesProblem, readMachineMode, readProgramModes, readPrograms, readProgramsFile, weekendProblem,
} from '../../counter/settings/index.js';
import type { Unreadable } from '../../safeio/index.js';
import { context, dirOption, named, type Context, type Invocation } from './context.js';
import { decideFor, declared } from './known.js';
import { byCodePoint } from './read-files.js';
import { type Json, plural, table, toJson } from './output.js';
import { unwritable } from './writable.js';
import { type CollectorView, collectorViews, renderCollectors } from './collectors.js';

export interface Status {
  directory: string;
  mode: { mode: string; date: string | null; source: 'machine' | 'default' | 'unreadable'; file: string };
  /** Settings files that exist but cannot be read, and what that does. */
  unreadable: { file: string; reason: string; effect: string }[];
  programChoices: { program: string; mode: string; date: string | null }[];
  overrides: Reason[];
  programs: { program: string; envVar: string | null; command: string | null; mode: string; decidedBy: Reason; chosen: Reason }[];
  countFiles: { active: string[]; finished: string[] };
  /** Why tools cannot write count files here (they then count in memory only), or null. */
  countsInMemory: string | null;
  reports: Reports;
  /** Per collector: last upload (and the sent copy), last config verification, waiting and dropped weeks. */
  collectors: CollectorView[];
  warnings: string[];
}

const JSON_SHAPE = `
With --json, one object:
  { "directory": "/path",
    "mode": { "mode": "on|off|local", "date": "YYYY-MM-DD"|null, "source": "machine|default|unreadable", "file": "/path/mode" },
    "unreadable": [ { "file", "reason", "effect" } ],
    "programChoices": [ { "program", "mode", "date" } ],
    "overrides": [ { "source": "env|project", "detail": "DO_NOT_TRACK=1", "mode" } ],
    "programs": [ { "program", "envVar", "command", "mode", "decidedBy": { "source", "detail", "mode", "date"? }, "chosen": {…} } ],
    "countFiles": { "active": [paths], "finished": [paths] },
    "countsInMemory": "why tools cannot write count files here" | null,
    "reports": { "pending": [paths], "localOnly": [paths], "uploaded": [paths] },
    "collectors": [ { "cid", "url", "declaredBy": [programs], "lastUpload": { "week", "day", "file", "status" }|null,
      "lastConfig": { "day", "ok", "config"?, "code"?, "message"? }|null,
      "lastKept": { "week", "day", "reason" }|null,
      "pending": [paths], "sent": [paths], "dropped": [ { "week", "code", "reason", "day" } ] } ],
    "warnings": [text] }
  source is one of default, machine, program, env, project, no-directory, unreadable.
  envVar is the variable that turns the program off (its own, if it declared one when it
  opened; else the derived <TOOL>_TELEMETRY_DISABLED); command is the telemetry command it
  mounted (e.g. "mytool telemetry"), or null.`;

export function statusCommand(inv: Invocation): Command {
  return new Command('status')
    .alias('env')
    .description('show the mode, who chose it, what overrides it here, and the files on disk (the default command)')
    .addOption(dirOption())
    .option('--json', 'print one JSON object for scripts (shape below)')
    .addHelpText('after', named(inv, `${JSON_SHAPE}\n\nExamples:\n  $ telemetry status\n  $ DO_NOT_TRACK=1 telemetry status     # see what an opt-out changes\n  $ telemetry status --json | jq .programs\n`))
    .action((opts: { json?: boolean }, c: Command) => {
      const ctx = context(c, inv);
      const s = collectStatus(ctx);
      if (opts.json) ctx.out(toJson(s as unknown as Json) + '\n');
      else ctx.out(renderStatus(ctx, s));
      for (const w of s.warnings) ctx.err(`warning: ${w}\n`);
    });
}

export function collectStatus(ctx: Context): Status {
  const { dirs, now } = ctx;
  const warnings: string[] = [];
  const { choices } = readProgramModes(dirs);
  if (readProgramsFile(dirs) === null) warnings.push(`${dirs.programsFile}: ignored, not a JSON object of programs (tools leave it as it is)`);
  const files = readFiles(dirs, now, warnings);
  const mounted = ctx.inv.program ? [ctx.inv.program] : [];
  const programs = readPrograms(dirs);
  const known = [...new Set([...choices.keys(), ...files.programs, ...programs.keys(), ...mounted])].sort(byCodePoint);
  const ask = (program: string): Decision => decideFor(ctx, program, programs);
  const overall = ask('');
  const decisions = known.map((program) => ({ program, d: ask(program) }));
  for (const w of [overall, ...decisions.map((x) => x.d)].flatMap((d) => d.warnings)) if (!warnings.includes(w)) warnings.push(w);
  return {
    directory: dirs.root,
    mode: machineMode(dirs),
    unreadable: unreadableSettings(dirs),
    programChoices: [...choices].map(([program, c]: [string, Choice]) => ({ program, mode: c.mode, date: c.date })),
    overrides: uniqueOverrides([overall, ...decisions.map((x) => x.d)]),
    programs: decisions.map(({ program, d }) => {
      const own = declared(programs, program);
      return { program, envVar: own.offVar, command: own.command ?? null, mode: d.mode, decidedBy: d.decidedBy, chosen: d.chosen };
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
  return m ? { mode: m.mode, date: m.date, source: 'machine', file: dirs.modeFile } : { mode: 'local', date: null, source: 'default', file: dirs.modeFile };
}

/** Each settings file that exists but cannot be used, with what that means (docs/settings.md). */
function unreadableSettings(dirs: Layout): Status['unreadable'] {
  const found: [Unreadable | null | undefined, string][] = [
    [readMachineMode(dirs)?.unreadable, 'every program is off until it is repaired or replaced (telemetry on|off|local)'],
    [readProgramModes(dirs).unreadable, 'every program is off until it is repaired or removed'],
    [noticesProblem(dirs), 'no notice is shown and no question asked, and the file is left as it is'],
    [weekendProblem(dirs), 'programs count in memory only until it is repaired or removed'],
  ];
  return found.flatMap(([u, effect]) => (u ? [{ file: u.file, reason: u.reason, effect }] : []));
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
  for (const r of decisions.flatMap((d) => d.overrides)) if (!seen.has(r.detail)) seen.set(r.detail, r);
  return [...seen.values()];
}

export function renderStatus(ctx: Context, s: Status): string {
  const { bold, dim } = ctx.style;
  const out: string[] = [];
  const set = s.mode.source === 'machine' ? `set ${s.mode.date ?? 'on an unknown date'} in ${s.mode.file}`
    : s.mode.source === 'unreadable' ? `because ${s.mode.file} cannot be read` : 'the default: no choice made yet';
  out.push(...table([[bold('mode'), `${bold(s.mode.mode)}, ${set}`], [bold('directory'), s.directory]]));
  if (s.unreadable.length) {
    out.push('', ctx.style.yellow(bold('cannot read')));
    for (const u of s.unreadable) out.push(`  ${u.file}: ${u.reason}`, `    ${dim(u.effect)}`);
  }
  out.push('', bold('per-program choices'));
  out.push(...indent(s.programChoices.length ? table(s.programChoices.map((c) => [c.program, c.mode, `set ${c.date ?? 'on an unknown date'}`])) : [dim('none')]));
  out.push('', bold('overriding right now'));
  out.push(...indent(s.overrides.length ? table(s.overrides.map((r) => [describe(r), `→ ${r.mode}`])) : [dim('nothing: no opt-out variable or project setting applies here')]));
  out.push('', bold(`programs, as run from ${ctx.cwd}`));
  out.push(...indent(s.programs.length ? table(s.programs.map((p) => [p.program, bold(p.mode), `because of ${describe(p.decidedBy)}`])) : [dim('none known yet (no per-program choice, no count file)')]));
  if (s.programs.length) {
    out.push('', bold('per-tool opt-out variables (each turns its tool off when set to anything but empty, 0 or false)'));
    const own = readPrograms(ctx.dirs);
    out.push(...indent(table(s.programs.map((p) => [p.program, p.envVar ?? dim('none'), ownership(p, own)]))));
  }
  out.push('', bold('collectors (where programs in mode on send their weekly reports)'));
  out.push(...indent(renderCollectors(s.collectors, dim)));
  out.push('', bold('files'));
  out.push(...indent(fileLines(s)));
  return out.join('\n') + '\n';
}

/** Where a decision came from, in words that say what to change. */
export function describe(r: Reason): string {
  const when = r.date ? `, set ${r.date}` : '';
  switch (r.source) {
    case 'default':
      return 'the default (no choice made yet)';
    case 'machine':
      return `the machine-wide choice in ${r.detail}${when}`;
    case 'program':
      return `the per-program choice in ${r.detail}${when}`;
    case 'env':
      return `environment variable ${r.detail}`;
    case 'project':
      return `project setting ${r.detail}`;
    case 'no-directory':
      return r.detail;
    case 'unreadable':
      return `an unreadable settings file, ${r.detail}`;
  }
}

/** Whether the variable is the tool's own (recorded when it opened) and the command it mounted. */
function ownership(p: Status['programs'][number], own: Map<string, { envVar?: string }>): string {
  const why = own.get(p.program)?.envVar ? `its own variable, declared when it opened` : p.envVar ? 'derived from its name' : 'its name yields none';
  return p.command ? `${why}; its command: ${p.command}` : why;
}

function fileLines(s: Status): string[] {
  const { active, finished } = s.countFiles;
  const { pending, localOnly, uploaded } = s.reports;
  return [
    `${plural(active.length, 'active count file')}, ${finished.length} finished`,
    ...(s.countsInMemory ? [`counts stay in memory: ${s.countsInMemory}`] : []),
    ...active.map((f) => `  ${basename(f)}`),
    `${plural(pending.length, 'report')} waiting to be sent, ${localOnly.length} kept local, ${uploaded.length} sent`,
    ...pending.map((f) => `  ${basename(f)}`),
  ];
}

function indent(lines: string[]): string[] {
  return lines.map((l) => `  ${l}`);
}

