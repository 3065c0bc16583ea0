// One collector's part of a run: decide each finished week once (build or drop) under its
// lock, then send what waits. Only programs in mode `on` that name this collector make it
// reach the network; a folder with pending reports but no such program only ages them out.
import type { ReadOk } from '../counter/countfile/index.js';
import { writeAtomic } from '../safeio/index.js';
import type { Collector } from '../counter/settings/index.js';
import { buildQuery, fetchVerifiedConfig, why, type ConfigQuery } from '../config/index.js';
import { collectorReport } from './build.js';
import {
  type CollectorRun,
  SEND_WINDOW_DAYS,
  drop,
  entry,
  locked,
  onCollector,
} from './collector-run.js';
import { sendPending } from './collector-send.js';
import { ageDays } from './gather.js';
import { collectorPaths, trustDir, weekFiles } from './paths.js';
import type { RunContext } from './context.js';
import { configCacheText } from './marks.js';
import { drawX } from './random.js';
import {
  createExclusive,
  decided,
  listNames,
  recordCollector,
  sentUnderAnotherKey,
  updateStatus,
} from './store.js';
import { agentFor } from './tunnel.js';

export { SEND_WINDOW_DAYS } from './collector-run.js';

export const CONFIG_TIMEOUT_MS = 5_000;

export async function handleCollector(
  ctx: RunContext,
  cid: string,
  collector: Collector | undefined,
): Promise<void> {
  const run: CollectorRun = {
    ctx,
    paths: collectorPaths(ctx.dirs, cid),
    cid,
    url: collector?.url ?? '',
    collector,
  };
  const onHere = (program: string): boolean =>
    onCollector(run, program) && (ctx.phase.only === undefined || program === ctx.phase.only);
  if (
    collector &&
    [...ctx.work.programs.values()].some((state) => onHere(state.program)) &&
    ctx.phase.build
  )
    recordCollector(run.paths, collector);
  if (ctx.phase.build) await buildWeeks(run, onHere);
  if (ctx.phase.send) await sendPending(run, onHere);
}

async function buildWeeks(run: CollectorRun, onHere: (program: string) => boolean): Promise<void> {
  const { ctx } = run;
  const todo: { week: string; files: ReadOk[] }[] = [];
  for (const w of ctx.work.weeks) {
    const files = w.files.filter((file) => onHere(file.info.program));
    if (files.length === 0 || decided(run.paths, w.week)) continue;
    if (run.collector && sentUnderAnotherKey(run.paths, run.collector.url, w.week)) continue;
    // With --program P, a week this collector shares with other programs is built by a run for all of them.
    const others =
      ctx.phase.only === undefined
        ? []
        : [
            ...new Set(
              w.files
                .filter(
                  (file) =>
                    onCollector(run, file.info.program) && file.info.program !== ctx.phase.only,
                )
                .map((file) => file.info.program),
            ),
          ];
    if (others.length > 0) {
      ctx.summary.waiting.push(
        entry(
          run,
          w.week,
          `its report would also hold ${others.join(', ')}, not asked for (--program ${ctx.phase.only})`,
        ),
      );
      continue;
    }
    if (ageDays(w.week, ctx.summary.today) > SEND_WINDOW_DAYS) {
      await locked(run, w.week, () => {
        if (!decided(run.paths, w.week))
          drop(
            run,
            w.week,
            'too-old',
            `week ended ${ageDays(w.week, ctx.summary.today)} days ago; collectors take ${SEND_WINDOW_DAYS} at most`,
          );
      });
    } else todo.push({ week: w.week, files });
  }
  if (todo.length === 0 || !run.collector) return;
  if (!ctx.phase.network) {
    for (const t of todo)
      ctx.summary.waiting.push(
        entry(run, t.week, "needs the collector's verified config (offline)"),
      );
    return;
  }
  const verified = await verify(run);
  if (!verified) {
    for (const t of todo)
      ctx.summary.retry.push(entry(run, t.week, "the collector's config could not be verified"));
    return;
  }
  for (const t of todo) {
    await locked(run, t.week, () => {
      if (decided(run.paths, t.week)) return;
      const lastWeek =
        weekFiles(listNames(run.paths.sentDir))
          .filter((sentWeek) => sentWeek < t.week)
          .pop() ?? '';
      const built = collectorReport({
        week: t.week,
        lastWeek,
        x: drawX(),
        config: verified.version,
        query: verified.query,
        files: t.files,
        state: ctx.work.state,
      });
      writeAtomic(
        run.paths.omitted(t.week),
        JSON.stringify(
          { week: t.week, config: verified.version, omitted: built.omitted },
          null,
          1,
        ) + '\n',
      );
      if (built.kind === 'drop') return drop(run, t.week, built.code, built.reason);
      if (createExclusive(run.paths.pending(t.week), built.bytes)) {
        ctx.summary.built.push({
          collector: run.url,
          cid: run.cid,
          week: t.week,
          file: run.paths.pending(t.week),
        });
        ctx.log(`${run.url} ${t.week}: report built (${run.paths.pending(t.week)})`);
      }
    });
  }
}

async function verify(run: CollectorRun): Promise<{ query: ConfigQuery; version: string } | null> {
  const { ctx } = run;
  const left = ctx.deadline - Date.now();
  const record = (
    outcome: Omit<RunContext['summary']['configs'][number], 'collector' | 'cid'>,
  ): void => {
    ctx.summary.configs.push({ collector: run.url, cid: run.cid, ...outcome });
    updateStatus(run.paths, run.url, { lastConfig: { day: ctx.summary.today, ...outcome } });
  };
  if (left <= 0) {
    record({
      ok: false,
      code: 'ETIMEOUT',
      message: "the run's deadline passed before the config was fetched",
    });
    return null;
  }
  try {
    const { key, witnesses, quorum } = run.collector!;
    const verified = await fetchVerifiedConfig({
      url: run.url,
      key,
      witnesses,
      quorum,
      stateDir: trustDir(ctx.dirs),
      timeoutMs: Math.min(CONFIG_TIMEOUT_MS, left),
      agent: (target) => agentFor(target, ctx.env),
    });
    const version = `v${verified.index}`;
    record({ ok: true, config: version });
    writeAtomic(run.paths.configFile, configCacheText(version, verified.config));
    ctx.log(`${run.url}: config ${version} verified`);
    return { query: buildQuery(verified.config), version };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    record({ ok: false, code: typeof code === 'string' ? code : 'ERROR', message: why(e) });
    ctx.log(`${run.url}: config not verified: ${why(e)}`);
    return null;
  }
}
