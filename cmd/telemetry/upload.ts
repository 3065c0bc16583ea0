// `telemetry upload [--json]`: the weekly upload in the foreground, the same run a tool's
// background child does (docs/upload.md): progress on stderr, then what was sent where, what
// was dropped and why, what waits for a later run. Exit 0 when nothing failed, 1 otherwise.
import { Command } from 'commander';
import { runPhases, runUpload, type RunSummary, type WeekEntry } from '../../upload/index.js';
import {
  CliError,
  ENV_NOW,
  context,
  dirOption,
  named,
  type Context,
  type Invocation,
} from './context.js';
import { printableLine } from '../../safeio/index.js';
import { envOverrides } from '../../counter/settings/index.js';
import { type Json, plural, toJson } from './output.js';
import { describe } from './status.js';

/** The foreground run's one overall deadline (config checks and every POST included). */
export const FOREGROUND_DEADLINE_S = 30;

const HELP = `
Builds the reports of finished weeks and sends each waiting one, once, to the collector its
program named, for programs whose mode is on. Programs in mode local or off, and programs that
name no collector, send nothing and reach no network. 'telemetry preview' shows the bytes first.

The whole run gives up after ${FOREGROUND_DEADLINE_S} s: a report not sent by then waits for a later
run (as does one whose proxy cannot be used: see 'telemetry status').

With --json, one object: { ok, today, localReports, configs, built, sent, dropped, retry,
waiting, cleaned, unreadable, notOn, errors } (see docs/upload.md).

Examples:
  $ telemetry preview     # what would be sent
  $ telemetry upload
  $ telemetry upload --json | jq .sent
  $ telemetry upload --program my-cli
`;

export function uploadCommand(inv: Invocation): Command {
  return new Command('upload')
    .description('send the waiting weekly reports now (only programs whose mode is on)')
    .addOption(dirOption())
    .option('--json', 'print one JSON object for scripts, no progress')
    .option(
      '--program <name>',
      "only this program's reports (a report holding other programs too waits)",
    )
    .addHelpText('after', named(inv, HELP))
    .action(async (opts: { json?: boolean; program?: string }, command: Command) => {
      const ctx = context(command, inv);
      const deadline = Date.now() + FOREGROUND_DEADLINE_S * 1000;
      const log = opts.json ? undefined : (line: string) => ctx.err(`${ctx.style.dim(line)}\n`);
      const o = { dir: ctx.dirs.root, now: pinned(ctx), env: ctx.env, deadline, log };
      const only = opts.program ?? inv.program;
      const s =
        only === undefined
          ? await runUpload(o)
          : await runPhases(o, { build: true, network: true, send: true, clean: true, only });
      if (opts.json) ctx.out(toJson(s as unknown as Json) + '\n');
      else ctx.out(renderSummary(ctx, s));
      if (!s.ok) throw new CliError('');
    });
}

/** TRANSPARENT_TELEMETRY_NOW pins the day (tests); otherwise the real time. */
export function pinned(ctx: Context): Date | undefined {
  return ctx.env[ENV_NOW] ? ctx.now : undefined;
}

/** Each program that names a collector but sends nothing now, and what decided it. */
export function notOnLines(summary: RunSummary): string[] {
  return summary.notOn.map(
    (x) => `${x.program} sends nothing: it is ${x.mode} because of ${describe(x.decidedBy)}`,
  );
}

export function renderSummary(ctx: Context, summary: RunSummary): string {
  const { bold, dim, red, yellow } = ctx.style;
  const out: string[] = [];
  for (const x of summary.sent)
    out.push(
      `${bold('sent')}     ${x.week} to ${x.collector} (http ${x.status}); copy in ${x.file}`,
    );
  // Reasons may quote a collector's or a proxy's words: printable only, whatever is on disk.
  const said = (text: string | undefined): string => printableLine(text ?? '', 400);
  const line = (x: WeekEntry): string => `${x.week} for ${x.collector || x.cid}: ${said(x.reason)}`;
  for (const x of summary.dropped) {
    const tag = (x.code === 'refused' ? red : yellow)('dropped');
    out.push(`${tag}  ${line(x)}`);
  }
  for (const x of summary.retry) out.push(`${red('retry')}    ${line(x)}`);
  for (const x of summary.waiting) out.push(`${dim('waiting')}  ${line(x)}`);
  for (const x of summary.configs.filter((config) => !config.ok)) {
    out.push(`${red('config')}   ${x.collector}: not verified (${x.code}): ${said(x.message)}`);
  }
  for (const e of [...summary.errors, ...summary.unreadable]) out.push(`${red('problem')}  ${e}`);
  if (out.length === 0) {
    out.push(
      dim(
        'nothing to send: no finished week of a program whose mode is on and that names a collector',
      ),
    );
    // A machine-wide opt-out in the environment is named even when no program names a collector.
    for (const r of envOverrides(ctx.env, null)) {
      out.push(dim(`(environment variable ${r.detail} makes every program ${r.mode} here)`));
    }
  }
  // An opt-out that silenced a program is named, as status names it.
  out.push(...notOnLines(summary).map((line) => `${dim('not on')}   ${line}`));
  out.push(
    dim(
      `${plural(summary.sent.length, 'report')} sent, ${summary.dropped.length} dropped, ${summary.retry.length} to retry, ${summary.waiting.length} waiting; ${plural(summary.localReports.length, 'local report')} written, ${plural(summary.cleaned.length, 'old file')} removed`,
    ),
  );
  return out.join('\n') + '\n';
}
