// The merge inside `serve`: once at start, then every hour at a few minutes past, so a day is
// merged within the hour after it is over and a failed run (a database away) is retried an
// hour later, not a day. Every replica runs the schedule; the store's merge lock lets one
// merge at a time, and a run that finds nothing unmerged only looks. The timer is unref'd, so
// it never keeps a process alive.
import type { Store } from '../store/index.js';
import { type MergeOptions, type MergeResult, type PublishMode, runMerge } from '../merge/index.js';

/** How one merge is run: here by default; `serve` runs it in a worker thread (mergeInWorker). */
export type MergeRunner = (store: Store, o: MergeOptions) => Promise<MergeResult | null>;

export interface MergeSchedule {
  stop(): void /** The run in flight, if any (tests, shutdown). */;
  idle(): Promise<void>;
}

export interface ScheduleContext {
  store: Store;
  publish: PublishMode;
  k: number;
  epsilon?: number | undefined;
  delta?: number | undefined;
  valuesPerReport?: number | undefined;
  now?: () => Date;
  /** Called after each run: its result (null: another replica held the lock) or its error. */
  onRun?: (r: MergeResult | null, error?: unknown) => void;
  runner?: MergeRunner;
  /** Called as each run starts (a log line, so a run's span can be seen). */
  onStart?: () => void;
  /** Minutes past each hour; replicas need not agree. */
  minutePastHour?: number;
}

const HOUR_MS = 3_600_000;

export function startMergeSchedule(ctx: ScheduleContext): MergeSchedule {
  const now = ctx.now ?? (() => new Date());
  const offset = (ctx.minutePastHour ?? 5) * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        ctx.onStart?.();
        const runner = ctx.runner ?? runMerge;
        ctx.onRun?.(
          await runner(ctx.store, {
            publish: ctx.publish,
            k: ctx.k,
            epsilon: ctx.epsilon,
            delta: ctx.delta,
            valuesPerReport: ctx.valuesPerReport,
            now: now(),
          }),
        );
      } catch (e) {
        if (ctx.onRun) ctx.onRun(null, e);
        else process.stderr.write(`merge: ${(e as Error).message}\n`);
      }
    });
  };
  const arm = () => {
    if (stopped) return;
    const t = now().getTime();
    const next = Math.floor((t - offset) / HOUR_MS) * HOUR_MS + HOUR_MS + offset;
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
