// What `telemetry status` shows per collector (docs/upload.md): where its reports go, the last
// upload and the sent copy it left, the last config verification and its outcome, the reports
// waiting, and every week dropped with its reason.
import { join } from 'node:path';
import { isUnreadable, printableLine, readText } from '../../safeio/index.js';
import type { Layout, ProgramSettings } from '../../counter/settings/index.js';
import {
  CID_RE,
  collectorId,
  collectorPaths,
  type CollectorStatus,
  type Dropped,
  listNames,
  readCollector,
  readStatus,
  weekFiles,
} from '../../upload/index.js';

export interface CollectorView {
  cid: string;
  url: string | null;
  /** The programs whose open() names it in programs.json (their mode decides whether they send). */
  declaredBy: string[];
  lastUpload: CollectorStatus['lastUpload'];
  lastConfig: CollectorStatus['lastConfig'];
  /** The last send kept for a later run, and why (a proxy that cannot be used, no answer…). */
  lastKept: NonNullable<CollectorStatus['lastKept']> | null;
  pending: string[];
  sent: string[];
  dropped: Dropped[];
}

/**
 * Every collector a program declares (programs.json, from the program's first run) and every
 * one the uploader has a folder for (an earlier declaration, reports still waiting).
 */
export function collectorViews(
  dirs: Layout,
  programs: ReadonlyMap<string, ProgramSettings>,
): CollectorView[] {
  const declared = new Map<string, { url: string; by: string[] }>();
  for (const [program, settings] of programs) {
    if (!settings.collector) continue;
    const cid = collectorId(settings.collector);
    const seen = declared.get(cid) ?? { url: settings.collector.url, by: [] };
    seen.by.push(program);
    declared.set(cid, seen);
  }
  const folders = listNames(dirs.uploadDir).filter((name) => CID_RE.test(name));
  const cids = new Set([...folders, ...declared.keys()]);
  return [...cids].sort().map((cid) => {
    const p = collectorPaths(dirs, cid);
    const st = readStatus(p);
    const dropped = listNames(p.droppedDir)
      .filter((name) => /^\d{4}-\d\d-\d\d\.json$/.test(name))
      .sort()
      .flatMap((name) => {
        const t = readText(join(p.droppedDir, name), 64 * 1024);
        if (isUnreadable(t)) return [];
        try {
          return [JSON.parse(t) as Dropped];
        } catch {
          return [];
        }
      });
    return {
      cid,
      url: readCollector(p)?.url ?? st?.url ?? declared.get(cid)?.url ?? null,
      declaredBy: declared.get(cid)?.by.sort() ?? [],
      lastUpload: st?.lastUpload ?? null,
      lastConfig: st?.lastConfig ?? null,
      lastKept: st?.lastKept ?? null,
      pending: weekFiles(listNames(p.dir)).map((week) => p.pending(week)),
      sent: weekFiles(listNames(p.sentDir)).map((week) => p.sent(week)),
      dropped,
    };
  });
}

/** Text from a file or a collector, as one printable line. */
function shown(text: string | undefined, max: number): string {
  return printableLine(text ?? '', max);
}

export function renderCollectors(views: CollectorView[], dim: (s: string) => string): string[] {
  if (views.length === 0) return [dim('none: no program has named a collector')];
  const out: string[] = [];
  for (const v of views) {
    out.push(`${v.url ?? `(collector ${v.cid})`}`);
    out.push(`  named by: ${v.declaredBy.length ? v.declaredBy.join(', ') : 'no program now'}`);
    const u = v.lastUpload;
    out.push(
      `  last upload: ${u ? `week ${u.week}, sent ${u.day} (http ${u.status}); what it held: ${u.file}` : 'none yet'}`,
    );
    const c = v.lastConfig;
    const failed = c && !c.ok ? `failed (${shown(c.code, 40)}): ${shown(c.message, 400)}` : '';
    const verified = c?.ok ? `verified, config ${c.config}` : failed;
    out.push(`  last config check: ${c ? `${c.day}, ${verified}` : 'none yet'}`);
    const kept = v.lastKept;
    if (kept)
      out.push(
        `  last try: week ${kept.week}, ${kept.day}, kept for later: ${shown(kept.reason, 400)}`,
      );
    out.push(`  ${v.pending.length} waiting, ${v.sent.length} sent, ${v.dropped.length} dropped`);
    for (const f of v.pending) out.push(`    waiting: ${f}`);
    // A collector's refusal text, as stored: printable only (a C1 CSI or a bidi override
    // could rewrite the screen).
    for (const d of v.dropped) {
      out.push(`    dropped ${d.week} (${shown(d.code, 40)}): ${shown(d.reason, 400)}`);
    }
  }
  return out;
}
