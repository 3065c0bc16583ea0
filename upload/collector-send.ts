// Sending one collector's pending reports: each waits while a program in it is not on with this
// collector (or was turned on after its week), is kept under dropped/ once too old or refused,
// and is sent under the week's lock unless another run sent or dropped it meanwhile.
import { renameSync, rmSync } from 'node:fs';
import {
  checkCollectorUrl,
  isUnreadable,
  makeDir,
  readText,
  writeAtomic,
} from '../safeio/index.js';
import { why } from '../config/index.js';
import { MAX_REPORT_BYTES, decodeReport } from '../report/index.js';
import { type CollectorRun, SEND_WINDOW_DAYS, drop, entry, locked } from './collector-run.js';
import { ageDays } from './gather.js';
import { weekFiles } from './paths.js';
import { postReport } from './send.js';
import { listNames, updateStatus } from './store.js';

export async function sendPending(
  run: CollectorRun,
  onHere: (program: string) => boolean,
): Promise<void> {
  const { ctx, paths } = run;
  for (const week of weekFiles(listNames(paths.dir))) {
    const text = readText(paths.pending(week), MAX_REPORT_BYTES + 1);
    if (isUnreadable(text)) {
      if (!text.absent) ctx.summary.unreadable.push(`${paths.pending(week)}: ${text.reason}`);
      continue;
    }
    if (week > ctx.summary.today) {
      ctx.summary.waiting.push(
        entry(run, week, `the week ${week} is in the future (is the clock right?)`),
      );
      continue;
    }
    let programs: string[];
    try {
      programs = (decodeReport(text).Programs ?? []).map((reported) => reported.Program);
    } catch (e) {
      ctx.summary.unreadable.push(`${paths.pending(week)}: not a report (${why(e)})`);
      continue;
    }
    if (ageDays(week, ctx.summary.today) > SEND_WINDOW_DAYS) {
      await locked(run, week, () =>
        refuseKeep(
          run,
          week,
          'too-old',
          `week ended ${ageDays(week, ctx.summary.today)} days ago; collectors take ${SEND_WINDOW_DAYS} at most`,
        ),
      );
      continue;
    }
    // Go's rule for a waiting report: sent only if every program in it was turned on before its week.
    const late = programs.filter((prog) => {
      const onSince = ctx.work.state(prog).asof;
      return onSince !== null && onSince >= week;
    });
    if (late.length > 0) {
      ctx.summary.waiting.push(
        entry(run, week, `${late.join(', ')} was turned on after the week ${week}`),
      );
      continue;
    }
    const off = programs.filter((prog) => !onHere(prog));
    if (ctx.phase.only !== undefined && !programs.includes(ctx.phase.only)) continue; // another program's report: not this run's
    if (off.length > 0 || !run.collector) {
      const why =
        ctx.phase.only !== undefined
          ? `it also holds ${off.join(', ')}, not asked for (--program ${ctx.phase.only})`
          : `not sent while ${off.join(', ')} is not on with this collector`;
      ctx.summary.waiting.push(
        entry(run, week, run.collector ? why : 'no program in mode on names this collector now'),
      );
      continue;
    }
    if (Date.now() >= ctx.deadline) {
      ctx.summary.retry.push(entry(run, week, "the run's deadline passed"));
      continue;
    }
    await locked(run, week, () => send(run, week, text));
  }
}

/** A pending report that will never be sent: kept, for the user to see, under dropped/. */
function refuseKeep(
  run: CollectorRun,
  week: string,
  code: string,
  reason: string,
  status?: number,
): void {
  try {
    makeDir(run.paths.droppedDir);
    renameSync(run.paths.pending(week), run.paths.refused(week));
  } catch {
    return; // another run moved or sent it
  }
  drop(run, week, code, reason, status);
}

async function send(run: CollectorRun, week: string, text: string): Promise<void> {
  const { ctx, paths } = run;
  if (decidedElsewhere(run, week)) return;
  const base = collectorUrl(run.url);
  if (typeof base === 'string') {
    ctx.summary.retry.push(entry(run, week, base));
    return;
  }
  ctx.log(`${run.url} ${week}: sending ${Buffer.byteLength(text)} bytes`);
  const out = await postReport({ base, week, body: text, env: ctx.env, deadline: ctx.deadline });
  if (out.kind === 'sent') {
    writeAtomic(paths.sent(week), text);
    rmSync(paths.pending(week), { force: true });
    ctx.summary.sent.push({
      collector: run.url,
      cid: run.cid,
      week,
      status: out.status,
      file: paths.sent(week),
    });
    const lastUpload = { week, day: ctx.summary.today, file: paths.sent(week), status: out.status };
    updateStatus(paths, run.url, { lastUpload, lastKept: null });
    ctx.log(`${run.url} ${week}: sent (http ${out.status})`);
  } else if (out.kind === 'refused') {
    refuseKeep(run, week, 'refused', `the collector refused it: ${out.reason}`, out.status);
  } else {
    updateStatus(paths, run.url, {
      lastKept: { week, day: ctx.summary.today, reason: out.reason },
    });
    ctx.summary.retry.push(entry(run, week, out.reason));
    ctx.log(`${run.url} ${week}: kept for a later run: ${out.reason}`);
  }
}

/**
 * The collector's base URL, or why it may not be used (checked again: a waiting report may be
 * sent without a fetch).
 */
function collectorUrl(url: string): URL | string {
  const checked = checkCollectorUrl(url);
  return checked instanceof URL ? checked : checked.reason;
}

/** Under the lock: sent or dropped by another run meanwhile (a crash after its POST left the pending file). */
function decidedElsewhere(run: CollectorRun, week: string): boolean {
  const sentText = readText(run.paths.sent(week), MAX_REPORT_BYTES + 1);
  if (!isUnreadable(sentText)) {
    rmSync(run.paths.pending(week), { force: true });
    return true;
  }
  return (
    !isUnreadable(readText(run.paths.dropped(week), 64 * 1024)) ||
    isUnreadable(readText(run.paths.pending(week), MAX_REPORT_BYTES + 1))
  );
}
