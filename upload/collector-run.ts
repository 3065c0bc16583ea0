// What the building and the sending of one collector's weeks share: the collector's part of the
// run, the week's lock, and the records of a week that waits or is dropped.
import type { Collector } from '../counter/settings/index.js';
import { UPLOAD_WINDOW_DAYS } from '../report/index.js';
import type { RunContext } from './context.js';
import { tryLock } from './lock.js';
import type { CollectorPaths } from './paths.js';
import { createExclusive } from './store.js';

/** A day short of the server's window, so that clock skew never makes the server refuse a week as too old. */
export const SEND_WINDOW_DAYS = UPLOAD_WINDOW_DAYS - 1;

/** One collector's part of a run: the run, the collector's folder, its id, URL and settings. */
export interface CollectorRun {
  ctx: RunContext;
  paths: CollectorPaths;
  cid: string;
  url: string;
  collector: Collector | undefined;
}

/** The program is in mode on and names this collector. */
export function onCollector(run: CollectorRun, program: string): boolean {
  const st = run.ctx.work.state(program);
  return st.decision.mode === 'on' && st.cid === run.cid;
}

export function entry(run: CollectorRun, week: string, reason: string) {
  return { collector: run.url, cid: run.cid, week, reason };
}

export function drop(
  run: CollectorRun,
  week: string,
  code: string,
  reason: string,
  status?: number,
): void {
  const rec = {
    week,
    code,
    reason,
    day: run.ctx.summary.today,
    ...(status !== undefined ? { status } : {}),
  };
  createExclusive(run.paths.dropped(week), JSON.stringify(rec, null, 1) + '\n');
  run.ctx.summary.dropped.push({
    ...entry(run, week, reason),
    code,
    ...(status !== undefined ? { status } : {}),
  });
  run.ctx.log(`${run.url} ${week}: dropped (${code}): ${reason}`);
}

/** Runs `step` under the week's lock; when another run holds it, `step` is not run and the week is `waiting`. */
export async function locked(
  run: CollectorRun,
  week: string,
  step: () => Promise<void> | void,
): Promise<void> {
  const lock = tryLock(run.paths.lock(week));
  if (!lock) {
    run.ctx.summary.waiting.push(entry(run, week, 'another upload run holds its lock'));
    return;
  }
  try {
    await step();
  } finally {
    lock.release();
  }
}
