// The files of a (collector, week), written so that a decision is made once: exclusive
// creation by link(2) of a complete temporary file (never a half-written report under the
// real name, never over an existing one), and whole-file replacement for records that may
// change (status). docs/upload.md.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isUnreadable, makeDir, readText, writeAtomic } from '../safeio/index.js';
import type { Collector } from '../counter/settings/index.js';
import type { CollectorPaths } from './paths.js';

/** Creates `path` with `text` unless it exists; true when this call created it. Throws on other I/O errors. */
export function createExclusive(path: string, text: string): boolean {
  makeDir(dirname(path));
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export interface Dropped {
  week: string;
  code: string;
  reason: string;
  day: string;
  status?: number;
}

/** Whether the week's fate is decided: sent, dropped, or a report waits to be sent. */
export function decided(paths: CollectorPaths, week: string): boolean {
  return (
    existsSync(paths.sent(week)) ||
    existsSync(paths.dropped(week)) ||
    existsSync(paths.pending(week))
  );
}

/**
 * Whether the week was sent to the same URL under another pinned key (a vendor rotated its log
 * key and the tool now pins the new one): the collector has it, and a second report with a
 * fresh X would be counted twice. Reads the sibling collector folders' collector.json.
 */
export function sentUnderAnotherKey(paths: CollectorPaths, url: string, week: string): boolean {
  const uploadDir = dirname(paths.dir);
  for (const cid of listNames(uploadDir)) {
    if (cid === paths.cid || !/^[0-9a-f]{16}$/.test(cid)) continue;
    const text = readText(join(uploadDir, cid, 'collector.json'), 1 << 16);
    if (isUnreadable(text)) continue;
    let same = false;
    try {
      same = (JSON.parse(text) as { url?: unknown }).url === url;
    } catch {
      continue;
    }
    if (same && existsSync(join(uploadDir, cid, 'sent', `${week}.json`))) return true;
  }
  return false;
}

export function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface CollectorStatus {
  url: string;
  lastUpload: { week: string; day: string; file: string; status: number } | null;
  lastConfig: { day: string; ok: boolean; config?: string; code?: string; message?: string } | null;
  /** The last POST that did not settle its week (network, proxy, 5xx), kept for a later run. */
  lastKept?: { week: string; day: string; reason: string } | null;
}

export function readStatus(paths: CollectorPaths): CollectorStatus | null {
  const t = readText(paths.statusFile, 64 * 1024);
  if (isUnreadable(t)) return null;
  try {
    const s = JSON.parse(t) as CollectorStatus;
    return typeof s === 'object' && s !== null ? s : null;
  } catch {
    return null;
  }
}

/** Read-modify-write of status.json; concurrent runs may overwrite each other's last entry (the sent/ and dropped/ files are the record). */
export function updateStatus(
  paths: CollectorPaths,
  url: string,
  patch: Partial<CollectorStatus>,
): void {
  const old = readStatus(paths) ?? { url, lastUpload: null, lastConfig: null };
  writeAtomic(paths.statusFile, JSON.stringify({ ...old, ...patch, url }, null, 1) + '\n');
}

export function readCollector(paths: CollectorPaths): Collector | null {
  const t = readText(paths.collectorFile, 64 * 1024);
  if (isUnreadable(t)) return null;
  try {
    const c = JSON.parse(t) as Collector;
    return typeof c?.url === 'string' && typeof c?.key === 'string'
      ? { url: c.url, key: c.key }
      : null;
  } catch {
    return null;
  }
}

export function recordCollector(paths: CollectorPaths, collector: Collector): void {
  const old = readCollector(paths);
  if (old && old.url === collector.url && old.key === collector.key) return;
  writeAtomic(
    paths.collectorFile,
    JSON.stringify({ url: collector.url, key: collector.key }, null, 1) + '\n',
  );
}
