// One collector's part of a run: decide each finished week once (build or drop) under its
// lock, then send what waits. Only programs in mode `on` that name this collector make it
// reach the network; a folder with pending reports but no such program only ages them out.
import { renameSync, rmSync } from 'node:fs';
import type { ReadOk } from '../counter/countfile/index.js';
import {
  checkCollectorUrl, isUnreadable, makeDir, readText, writeAtomic,
} from '../safeio/index.js';
import type { Collector } from '../counter/settings/index.js';
import { buildQuery, fetchVerifiedConfig, why, type ConfigQuery } from '../config/index.js';
import { collectorReport } from './build.js';
import { ageDays } from './gather.js';
import { decodeReport } from '../report/index.js';
import { tryLock } from './lock.js';
import { collectorPaths, trustDir, weekFiles, type CollectorPaths } from './paths.js';
import { MAX_REPORT_BYTES, UPLOAD_WINDOW_DAYS } from '../report/index.js';
import type { RunContext } from './context.js';
import { configCacheText } from './marks.js';
import { drawX } from './random.js';
import { postReport } from './send.js';
import {
  createExclusive, decided, listNames, recordCollector, sentUnderAnotherKey, updateStatus,
} from './store.js';
import { agentFor } from './tunnel.js';

/** A day short of the server's window, so that clock skew never makes the server refuse a week as too old. */
export const SEND_WINDOW_DAYS = UPLOAD_WINDOW_DAYS - 1;
export const CONFIG_TIMEOUT_MS = 5_000;


interface C { ctx: RunContext; p: CollectorPaths; cid: string; url: string; collector: Collector | undefined }

export async function handleCollector(ctx: RunContext, cid: string, collector: Collector | undefined): Promise<void> {
  const c: C = { ctx, p: collectorPaths(ctx.dirs, cid), cid, url: collector?.url ?? '', collector };
  const onHere = (program: string): boolean => onCollector(c, program) && (ctx.phase.only === undefined || program === ctx.phase.only);
  if (collector && [...ctx.work.programs.values()].some((st) => onHere(st.program)) && ctx.phase.build) recordCollector(c.p, collector);
  if (ctx.phase.build) await buildWeeks(c, onHere);
  if (ctx.phase.send) await sendPending(c, onHere);
}

/** The program is in mode on and names this collector. */
function onCollector(c: C, program: string): boolean {
  const st = c.ctx.work.state(program);
  return st.decision.mode === 'on' && st.cid === c.cid;
}

function entry(c: C, week: string, reason: string) {
  return { collector: c.url, cid: c.cid, week, reason };
}

function drop(c: C, week: string, code: string, reason: string, status?: number): void {
  const rec = { week, code, reason, day: c.ctx.s.today, ...(status !== undefined ? { status } : {}) };
  createExclusive(c.p.dropped(week), JSON.stringify(rec, null, 1) + '\n');
  c.ctx.s.dropped.push({ ...entry(c, week, reason), code, ...(status !== undefined ? { status } : {}) });
  c.ctx.log(`${c.url} ${week}: dropped (${code}): ${reason}`);
}

/** Runs `fn` under the week's lock; when another run holds it, `fn` is not run and the week is `waiting`. */
async function locked(c: C, week: string, fn: () => Promise<void> | void): Promise<void> {
  const lock = tryLock(c.p.lock(week));
  if (!lock) {
    c.ctx.s.waiting.push(entry(c, week, 'another upload run holds its lock'));
    return;
  }
  try {
    await fn();
  } finally {
    lock.release();
  }
}

async function buildWeeks(c: C, onHere: (program: string) => boolean): Promise<void> {
  const { ctx } = c;
  const todo: { week: string; files: ReadOk[] }[] = [];
  for (const w of ctx.work.weeks) {
    const files = w.files.filter((f) => onHere(f.info.program));
    if (files.length === 0 || decided(c.p, w.week)) continue;
    if (c.collector && sentUnderAnotherKey(c.p, c.collector.url, w.week)) continue;
    // With --program P, a week this collector shares with other programs is built by a run for all of them.
    const others = ctx.phase.only === undefined ? [] : [...new Set(w.files.filter((f) => onCollector(c, f.info.program) && f.info.program !== ctx.phase.only).map((f) => f.info.program))];
    if (others.length > 0) {
      ctx.s.waiting.push(entry(c, w.week, `its report would also hold ${others.join(', ')}, not asked for (--program ${ctx.phase.only})`));
      continue;
    }
    if (ageDays(w.week, ctx.s.today) > SEND_WINDOW_DAYS) {
      await locked(c, w.week, () => { if (!decided(c.p, w.week)) drop(c, w.week, 'too-old', `week ended ${ageDays(w.week, ctx.s.today)} days ago; collectors take ${SEND_WINDOW_DAYS} at most`); });
    } else todo.push({ week: w.week, files });
  }
  if (todo.length === 0 || !c.collector) return;
  if (!ctx.phase.network) {
    for (const t of todo) ctx.s.waiting.push(entry(c, t.week, 'needs the collector\'s verified config (offline)'));
    return;
  }
  const verified = await verify(c);
  if (!verified) {
    for (const t of todo) ctx.s.retry.push(entry(c, t.week, 'the collector\'s config could not be verified'));
    return;
  }
  for (const t of todo) {
    await locked(c, t.week, () => {
      if (decided(c.p, t.week)) return;
      const lastWeek = weekFiles(listNames(c.p.sentDir)).filter((w) => w < t.week).pop() ?? '';
      const b = collectorReport({ week: t.week, lastWeek, x: drawX(), config: verified.version, query: verified.query, files: t.files, state: ctx.work.state });
      writeAtomic(c.p.omitted(t.week), JSON.stringify({ week: t.week, config: verified.version, omitted: b.omitted }, null, 1) + '\n');
      if (b.kind === 'drop') return drop(c, t.week, b.code, b.reason);
      if (createExclusive(c.p.pending(t.week), b.bytes)) {
        ctx.s.built.push({ collector: c.url, cid: c.cid, week: t.week, file: c.p.pending(t.week) });
        ctx.log(`${c.url} ${t.week}: report built (${c.p.pending(t.week)})`);
      }
    });
  }
}

async function verify(c: C): Promise<{ query: ConfigQuery; version: string } | null> {
  const { ctx } = c;
  const left = ctx.deadline - Date.now();
  const record = (r: Omit<RunContext['s']['configs'][number], 'collector' | 'cid'>): void => {
    ctx.s.configs.push({ collector: c.url, cid: c.cid, ...r });
    updateStatus(c.p, c.url, { lastConfig: { day: ctx.s.today, ...r } });
  };
  if (left <= 0) {
    record({ ok: false, code: 'ETIMEOUT', message: 'the run\'s deadline passed before the config was fetched' });
    return null;
  }
  try {
    const { key, witnesses, quorum } = c.collector!;
    const v = await fetchVerifiedConfig({ url: c.url, key, witnesses, quorum, stateDir: trustDir(ctx.dirs), timeoutMs: Math.min(CONFIG_TIMEOUT_MS, left), agent: (u) => agentFor(u, ctx.env) });
    const version = `v${v.index}`;
    record({ ok: true, config: version });
    writeAtomic(c.p.configFile, configCacheText(version, v.config));
    ctx.log(`${c.url}: config ${version} verified`);
    return { query: buildQuery(v.config), version };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    record({ ok: false, code: typeof code === 'string' ? code : 'ERROR', message: why(e) });
    ctx.log(`${c.url}: config not verified: ${why(e)}`);
    return null;
  }
}

async function sendPending(c: C, onHere: (program: string) => boolean): Promise<void> {
  const { ctx, p } = c;
  for (const week of weekFiles(listNames(p.dir))) {
    const text = readText(p.pending(week), MAX_REPORT_BYTES + 1);
    if (isUnreadable(text)) {
      if (!text.absent) ctx.s.unreadable.push(`${p.pending(week)}: ${text.reason}`);
      continue;
    }
    if (week > ctx.s.today) {
      ctx.s.waiting.push(entry(c, week, `the week ${week} is in the future (is the clock right?)`));
      continue;
    }
    let programs: string[];
    try {
      programs = (decodeReport(text).Programs ?? []).map((r) => r.Program);
    } catch (e) {
      ctx.s.unreadable.push(`${p.pending(week)}: not a report (${why(e)})`);
      continue;
    }
    if (ageDays(week, ctx.s.today) > SEND_WINDOW_DAYS) {
      await locked(c, week, () => refuseKeep(c, week, 'too-old', `week ended ${ageDays(week, ctx.s.today)} days ago; collectors take ${SEND_WINDOW_DAYS} at most`));
      continue;
    }
    // Go's rule for a waiting report: sent only if every program in it was turned on before its week.
    const late = programs.filter((prog) => { const a = ctx.work.state(prog).asof; return a !== null && a >= week; });
    if (late.length > 0) {
      ctx.s.waiting.push(entry(c, week, `${late.join(', ')} was turned on after the week ${week}`));
      continue;
    }
    const off = programs.filter((prog) => !onHere(prog));
    if (ctx.phase.only !== undefined && !programs.includes(ctx.phase.only)) continue; // another program's report: not this run's
    if (off.length > 0 || !c.collector) {
      const why = ctx.phase.only !== undefined ? `it also holds ${off.join(', ')}, not asked for (--program ${ctx.phase.only})` : `not sent while ${off.join(', ')} is not on with this collector`;
      ctx.s.waiting.push(entry(c, week, c.collector ? why : 'no program in mode on names this collector now'));
      continue;
    }
    if (Date.now() >= ctx.deadline) {
      ctx.s.retry.push(entry(c, week, 'the run\'s deadline passed'));
      continue;
    }
    await locked(c, week, () => send(c, week, text));
  }
}

/** A pending report that will never be sent: kept, for the user to see, under dropped/. */
function refuseKeep(c: C, week: string, code: string, reason: string, status?: number): void {
  try {
    makeDir(c.p.droppedDir);
    renameSync(c.p.pending(week), c.p.refused(week));
  } catch {
    return; // another run moved or sent it
  }
  drop(c, week, code, reason, status);
}

async function send(c: C, week: string, text: string): Promise<void> {
  const { ctx, p } = c;
  if (decidedElsewhere(c, week)) return;
  const base = collectorUrl(c.url);
  if (typeof base === 'string') {
    ctx.s.retry.push(entry(c, week, base));
    return;
  }
  ctx.log(`${c.url} ${week}: sending ${Buffer.byteLength(text)} bytes`);
  const out = await postReport({ base, week, body: text, env: ctx.env, deadline: ctx.deadline });
  if (out.kind === 'sent') {
    writeAtomic(p.sent(week), text);
    rmSync(p.pending(week), { force: true });
    ctx.s.sent.push({ collector: c.url, cid: c.cid, week, status: out.status, file: p.sent(week) });
    const lastUpload = { week, day: ctx.s.today, file: p.sent(week), status: out.status };
    updateStatus(p, c.url, { lastUpload, lastKept: null });
    ctx.log(`${c.url} ${week}: sent (http ${out.status})`);
  } else if (out.kind === 'refused') {
    refuseKeep(c, week, 'refused', `the collector refused it: ${out.reason}`, out.status);
  } else {
    updateStatus(p, c.url, { lastKept: { week, day: ctx.s.today, reason: out.reason } });
    ctx.s.retry.push(entry(c, week, out.reason));
    ctx.log(`${c.url} ${week}: kept for a later run: ${out.reason}`);
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
function decidedElsewhere(c: C, week: string): boolean {
  const sentText = readText(c.p.sent(week), MAX_REPORT_BYTES + 1);
  if (!isUnreadable(sentText)) {
    rmSync(c.p.pending(week), { force: true });
    return true;
  }
  return !isUnreadable(readText(c.p.dropped(week), 64 * 1024)) || isUnreadable(readText(c.p.pending(week), MAX_REPORT_BYTES + 1));
}
