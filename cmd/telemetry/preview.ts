// `telemetry preview [--json] [--offline]`: the exact bytes the next upload will POST, per
// collector and week, and what was left out and why. To be exact it builds what is due, as an
// upload would (verifying each collector's config over the network: GETs only), but it never
// sends. Reports already built are the bytes that will be sent; X is drawn at build time and kept.
// --offline reaches no network: it shows what is built and lists the weeks still waiting for a config.
import { Command } from 'commander';
import { isUnreadable, readText } from '../../safeio/index.js';
import {
  CID_RE,
  collectorPaths,
  listNames,
  MAX_REPORT_BYTES,
  readCollector,
  runPhases,
  type RunSummary,
  weekFiles,
} from '../../upload/index.js';
import { context, dirOption, named, type Context, type Invocation } from './context.js';
import { type Json, toJson } from './output.js';
import { notOnLines, pinned } from './upload.js';

export interface PreviewReport {
  week: string;
  file: string;
  bytes: string;
  omitted: { program: string; version?: string; counter?: string; reason: string }[];
}
export interface Preview {
  collectors: { cid: string; url: string | null; reports: PreviewReport[] }[];
  summary: RunSummary;
}

const HELP = `
Prints, for each collector and week, the exact bytes 'telemetry upload' will send (the file
named in the header line holds them), then what the collector's config left out and why.
Weeks not built yet are built now (the collector's config is fetched and verified; nothing is
sent). With --offline nothing reaches the network.

With --json, one object: { collectors: [ { cid, url, reports: [ { week, file, bytes, omitted:
[ { program, counter?, reason } ] } ] } ], summary } (summary as in 'telemetry upload --json').

Examples:
  $ telemetry preview
  $ telemetry preview --offline
  $ telemetry preview --json | jq -r '.collectors[].reports[].bytes'
`;

export function previewCommand(inv: Invocation): Command {
  return new Command('preview')
    .description('show the exact bytes the next upload will send, and what is left out and why')
    .addOption(dirOption())
    .option('--json', 'print one JSON object for scripts')
    .option('--offline', 'reach no network: show only what is already built')
    .addHelpText('after', named(inv, HELP))
    .action(async (opts: { json?: boolean; offline?: boolean }, command: Command) => {
      const ctx = context(command, inv);
      const summary = await runPhases(
        { dir: ctx.dirs.root, now: pinned(ctx), env: ctx.env },
        { build: true, network: !opts.offline, send: false, clean: false },
      );
      const p = collectPreview(ctx, summary);
      if (opts.json) ctx.out(toJson(p as unknown as Json) + '\n');
      else ctx.out(renderPreview(ctx, p));
    });
}

export function collectPreview(ctx: Context, summary: RunSummary): Preview {
  const collectors: Preview['collectors'] = [];
  for (const cid of listNames(ctx.dirs.uploadDir)
    .filter((name) => CID_RE.test(name))
    .sort()) {
    const p = collectorPaths(ctx.dirs, cid);
    const reports: PreviewReport[] = [];
    for (const week of weekFiles(listNames(p.dir))) {
      const bytes = readText(p.pending(week), MAX_REPORT_BYTES + 1);
      if (isUnreadable(bytes)) continue;
      reports.push({ week, file: p.pending(week), bytes, omitted: omissions(p.omitted(week)) });
    }
    if (reports.length) collectors.push({ cid, url: readCollector(p)?.url ?? null, reports });
  }
  return { collectors, summary };
}

function omissions(file: string): PreviewReport['omitted'] {
  const t = readText(file, 4 << 20);
  if (isUnreadable(t)) return [];
  try {
    return (JSON.parse(t) as { omitted: PreviewReport['omitted'] }).omitted ?? [];
  } catch {
    return [];
  }
}

export function renderPreview(ctx: Context, preview: Preview): string {
  const { bold, dim } = ctx.style;
  const out: string[] = [];
  for (const c of preview.collectors) {
    for (const r of c.reports) {
      out.push(
        bold(
          `# POST ${c.url ?? '(unknown collector)'}/upload/${r.week}  (${r.file}, ${Buffer.byteLength(r.bytes)} bytes)`,
        ),
      );
      out.push(r.bytes);
      const left = new Map<string, string>();
      for (const o of r.omitted)
        left.set(
          `${o.program}${o.counter ? ` ${o.counter}` : o.version ? `@${o.version}` : ''}`,
          o.reason,
        );
      if (left.size)
        out.push(
          dim('# left out:'),
          ...[...left].map(([key, value]) => dim(`#   ${key}: ${value}`)),
        );
      out.push('');
    }
  }
  const s = preview.summary;
  for (const x of [...s.waiting, ...s.retry])
    out.push(dim(`# not built: ${x.week} for ${x.collector || x.cid}: ${x.reason}`));
  for (const x of s.dropped)
    out.push(dim(`# never sent: ${x.week} for ${x.collector || x.cid}: ${x.reason}`));
  for (const line of notOnLines(s)) out.push(dim(`# ${line}`));
  if (preview.collectors.length === 0)
    out.push(dim('# nothing would be sent: no report is waiting'));
  return out.join('\n') + '\n';
}
