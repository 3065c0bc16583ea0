// One upload run (docs/upload.md): local reports for finished weeks, then per collector: verify
// its config if a week needs building, build each week once under its lock, send what waits,
// then clean up. Never rejects; every failure ends up in the summary.
import { existsSync } from 'node:fs';
import { why } from '../config/index.js';
import { type Collector, dateString, layout } from '../counter/settings/index.js';
import type { RunContext, RunOptions } from './context.js';
import { cleanup } from './cleanup.js';
import { handleCollector } from './collector.js';
import type { Phase } from './context.js';
import { gather } from './gather.js';
import { encodeReport } from '../report/index.js';
import { localReport } from './build.js';
import { CID_RE, collectorPaths, localReportPath, weekFiles } from './paths.js';
import { createExclusive, listNames, readCollector } from './store.js';
import { emptySummary, finish, type RunSummary } from './summary.js';

export type { RunContext, RunOptions } from './context.js';

/** Runs an upload; never rejects. */
export function runUpload(options: RunOptions): Promise<RunSummary> {
  return runPhases(options, { build: true, network: true, send: true, clean: true });
}

/** The run with some phases left out: `telemetry preview` builds (and fetches configs unless offline) but never sends. */
export async function runPhases(options: RunOptions, phase: Phase): Promise<RunSummary> {
  const now = options.now ?? new Date();
  const summary = emptySummary(dateString(now));
  const log = (line: string): void => {
    try {
      options.log?.(line);
    } catch {
      // A logger that throws must not stop the run.
    }
  };
  try {
    const env = options.env ?? process.env;
    const dirs = layout(options.dir);
    const work = gather(dirs, now, env);
    for (const st of work.programs.values()) {
      const { mode, decidedBy } = st.decision;
      if (st.collector && mode !== 'on')
        summary.notOn.push({ program: st.program, mode, decidedBy });
    }
    const ctx: RunContext = {
      options,
      now,
      deadline: options.deadline ?? Infinity,
      log,
      env,
      dirs,
      work,
      summary,
      phase,
    };
    for (const u of work.unreadable) {
      summary.unreadable.push(u);
      log(`left alone: ${u}`);
    }
    if (phase.build) writeLocalReports(ctx);
    for (const [cid, collector] of collectorsOf(ctx)) {
      try {
        await handleCollector(ctx, cid, collector);
      } catch (e) {
        summary.errors.push(`collector ${cid}: ${why(e)}`);
        log(`collector ${cid}: ${why(e)}`);
      }
    }
    if (phase.clean) cleanup(ctx);
  } catch (e) {
    summary.errors.push(why(e));
    log(`run failed: ${why(e)}`);
  }
  return finish(summary);
}

/** Every finished week with files of programs in mode local or on gets its local report, once. */
function writeLocalReports(ctx: RunContext): void {
  for (const w of ctx.work.weeks) {
    const files = w.files.filter(
      (file) => ctx.work.state(file.info.program).decision.mode !== 'off',
    );
    const path = localReportPath(ctx.dirs, w.week);
    if (files.every((file) => file.counts.size === 0) || existsSync(path)) continue;
    try {
      if (createExclusive(path, encodeReport(localReport(w.week, files)))) {
        ctx.summary.localReports.push(path);
        ctx.log(`local report ${path}`);
      }
    } catch (e) {
      ctx.summary.errors.push(`${path}: ${why(e)}`);
    }
  }
}

/**
 * Collectors to visit: those named by a program whose mode is on (only these may reach the
 * network), and folders already holding pending reports (too old ones are dropped offline).
 */
function collectorsOf(ctx: RunContext): Map<string, Collector | undefined> {
  const out = new Map<string, Collector | undefined>();
  for (const st of ctx.work.programs.values()) {
    if (
      st.decision.mode === 'on' &&
      st.collector &&
      st.cid &&
      (ctx.phase.only === undefined || st.program === ctx.phase.only)
    )
      out.set(st.cid, st.collector);
  }
  for (const cid of listNames(ctx.dirs.uploadDir)
    .filter((name) => CID_RE.test(name))
    .sort()) {
    if (out.has(cid) || ctx.phase.only !== undefined) continue;
    const p = collectorPaths(ctx.dirs, cid);
    if (weekFiles(listNames(p.dir)).length > 0) out.set(cid, readCollector(p) ?? undefined);
  }
  return out;
}
