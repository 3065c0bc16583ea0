// `telemetry status` (alias `env`): everything that decides what gets counted and sent,
// and why, as seen from the current directory.
import { Command } from 'commander';
import { basename } from 'node:path';
import { type Reason, readPrograms } from '../../counter/settings/index.js';
import { context, dirOption, named, type Context, type Invocation } from './context.js';
import { type Json, plural, table, toJson } from './output.js';
import { renderCollectors } from './collectors.js';
import { type Status, collectStatus } from './status-data.js';

export { type Status, collectStatus } from './status-data.js';

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
    .description(
      'show the mode, who chose it, what overrides it here, and the files on disk (the default command)',
    )
    .addOption(dirOption())
    .option('--json', 'print one JSON object for scripts (shape below)')
    .addHelpText(
      'after',
      named(
        inv,
        `${JSON_SHAPE}\n\nExamples:\n  $ telemetry status\n  $ DO_NOT_TRACK=1 telemetry status     # see what an opt-out changes\n  $ telemetry status --json | jq .programs\n`,
      ),
    )
    .action((opts: { json?: boolean }, command: Command) => {
      const ctx = context(command, inv);
      const status = collectStatus(ctx);
      if (opts.json) ctx.out(toJson(status as unknown as Json) + '\n');
      else ctx.out(renderStatus(ctx, status));
      for (const w of status.warnings) ctx.err(`warning: ${w}\n`);
    });
}

export function renderStatus(ctx: Context, status: Status): string {
  const { bold, dim } = ctx.style;
  const out: string[] = [];
  const set =
    status.mode.source === 'machine'
      ? `set ${status.mode.date ?? 'on an unknown date'} in ${status.mode.file}`
      : status.mode.source === 'unreadable'
        ? `because ${status.mode.file} cannot be read`
        : 'the default: no choice made yet';
  out.push(
    ...table([
      [bold('mode'), `${bold(status.mode.mode)}, ${set}`],
      [bold('directory'), status.directory],
    ]),
  );
  if (status.unreadable.length) {
    out.push('', ctx.style.yellow(bold('cannot read')));
    for (const u of status.unreadable) out.push(`  ${u.file}: ${u.reason}`, `    ${dim(u.effect)}`);
  }
  out.push('', bold('per-program choices'));
  out.push(
    ...indent(
      status.programChoices.length
        ? table(
            status.programChoices.map((choice) => [
              choice.program,
              choice.mode,
              `set ${choice.date ?? 'on an unknown date'}`,
            ]),
          )
        : [dim('none')],
    ),
  );
  out.push('', bold('overriding right now'));
  out.push(
    ...indent(
      status.overrides.length
        ? table(status.overrides.map((reason) => [describe(reason), `→ ${reason.mode}`]))
        : [dim('nothing: no opt-out variable or project setting applies here')],
    ),
  );
  out.push('', bold(`programs, as run from ${ctx.cwd}`));
  out.push(
    ...indent(
      status.programs.length
        ? table(
            status.programs.map((row) => [
              row.program,
              bold(row.mode),
              `because of ${describe(row.decidedBy)}`,
            ]),
          )
        : [dim('none known yet (no per-program choice, no count file)')],
    ),
  );
  if (status.programs.length) {
    out.push(
      '',
      bold(
        'per-tool opt-out variables (each turns its tool off when set to anything but empty, 0 or false)',
      ),
    );
    const own = readPrograms(ctx.dirs);
    out.push(
      ...indent(
        table(
          status.programs.map((row) => [
            row.program,
            row.envVar ?? dim('none'),
            ownership(row, own),
          ]),
        ),
      ),
    );
  }
  out.push('', bold('collectors (where programs in mode on send their weekly reports)'));
  out.push(...indent(renderCollectors(status.collectors, dim)));
  out.push('', bold('files'));
  out.push(...indent(fileLines(status)));
  return out.join('\n') + '\n';
}

/** Where a decision came from, in words that say what to change. */
export function describe(reason: Reason): string {
  const when = reason.date ? `, set ${reason.date}` : '';
  switch (reason.source) {
    case 'default':
      return 'the default (no choice made yet)';
    case 'machine':
      return `the machine-wide choice in ${reason.detail}${when}`;
    case 'program':
      return `the per-program choice in ${reason.detail}${when}`;
    case 'env':
      return `environment variable ${reason.detail}`;
    case 'project':
      return `project setting ${reason.detail}`;
    case 'no-directory':
      return reason.detail;
    case 'unreadable':
      return `an unreadable settings file, ${reason.detail}`;
  }
}

/** Whether the variable is the tool's own (recorded when it opened) and the command it mounted. */
function ownership(row: Status['programs'][number], own: Map<string, { envVar?: string }>): string {
  const why = own.get(row.program)?.envVar
    ? `its own variable, declared when it opened`
    : row.envVar
      ? 'derived from its name'
      : 'its name yields none';
  return row.command ? `${why}; its command: ${row.command}` : why;
}

function fileLines(status: Status): string[] {
  const { active, finished } = status.countFiles;
  const { pending, localOnly, uploaded } = status.reports;
  return [
    `${plural(active.length, 'active count file')}, ${finished.length} finished`,
    ...(status.countsInMemory ? [`counts stay in memory: ${status.countsInMemory}`] : []),
    ...active.map((file) => `  ${basename(file)}`),
    `${plural(pending.length, 'report')} waiting to be sent, ${localOnly.length} kept local, ${uploaded.length} sent`,
    ...pending.map((file) => `  ${basename(file)}`),
  ];
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
