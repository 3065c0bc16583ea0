// The merge inside `serve`: once at start, then daily a few minutes after 00:00 UTC, when the
// day before is over. Every replica runs the schedule; the store's merge lock lets one merge
// at a time, and a replica that finds nothing unmerged does nothing. The timer is unref'd, so
// it never keeps a process alive; a failed run is reported and retried at the next tick.
import type { Store } from '../store/types.js';
import { type MergeResult, type PublishMode, runMerge } from '../merge/index.js';

export interface MergeSchedule { stop(): void; /** The run in flight, if any (tests, shutdown). */ idle(): Promise<void> }

export interface ScheduleContext {
  store: Store;
  publish: PublishMode;
  k: number;
  epsilon?: number | undefined;
  now?: () => Date;
  /** Called after each run: its result (null: another replica held the lock) or its error. */
  onRun?: (r: MergeResult | null, error?: unknown) => void;
  /** Minutes after 00:00 UTC; replicas need not agree. */
  minutePastMidnight?: number;
}

const DAY_MS = 86_400_000;

export function startMergeSchedule(ctx: ScheduleContext): MergeSchedule {
  const now = ctx.now ?? (() => new Date());
  const offset = (ctx.minutePastMidnight ?? 5) * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        ctx.onRun?.(await runMerge(ctx.store, { publish: ctx.publish, k: ctx.k, epsilon: ctx.epsilon, now: now() }));
      } catch (e) {
        if (ctx.onRun) ctx.onRun(null, e);
        else process.stderr.write(`merge: ${(e as Error).message}\n`);
      }
    });
  };
  const arm = () => {
    if (stopped) return;
    const t = now().getTime();
    const next = Math.floor((t - offset) / DAY_MS) * DAY_MS + DAY_MS + offset;
    timer = setTimeout(() => {
      run();
      arm();
    }, next - t);
    timer.unref();
  };
  run();
  arm();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    idle: () => running,
  };
}
