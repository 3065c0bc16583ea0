// Where the uploader keeps things (docs/settings.md, docs/upload.md). Per collector a folder named by a hash of
// its URL and key, so two vendors never share a file, and a collector's folder never names its host.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Collector, Layout } from '../counter/settings/index.js';

/** First 16 hex digits of SHA-256(url + "\n" + key). */
export function collectorId(collector: Collector): string {
  return createHash('sha256')
    .update(`${collector.url}\n${collector.key}`, 'utf8')
    .digest('hex')
    .slice(0, 16);
}

export const CID_RE = /^[0-9a-f]{16}$/;
export const WEEK_RE = /^\d{4}-\d\d-\d\d$/;

export interface CollectorPaths {
  cid: string;
  dir: string;
  /** {url, key}: which collector this folder belongs to. */
  collectorFile: string;
  /** Last upload and last config verification, for `telemetry status`. */
  statusFile: string;
  /** The last verified config, for `telemetry view`'s marks only. */
  configFile: string;
  sentDir: string;
  droppedDir: string;
  omittedDir: string;
  /** The exact bytes to POST, waiting. */
  pending(week: string): string;
  lock(week: string): string;
  sent(week: string): string;
  /** Why the week will never be sent: {week, code, reason, day}. */
  dropped(week: string): string;
  /** A report the collector refused, kept for the user to see. */
  refused(week: string): string;
  /** What the week's report left out, and why (for preview). */
  omitted(week: string): string;
}

export function collectorPaths(dirs: Layout, cid: string): CollectorPaths {
  const dir = join(dirs.uploadDir, cid);
  const sentDir = join(dir, 'sent');
  const droppedDir = join(dir, 'dropped');
  const omittedDir = join(dir, 'omitted');
  return {
    cid,
    dir,
    collectorFile: join(dir, 'collector.json'),
    statusFile: join(dir, 'status.json'),
    configFile: join(dir, 'config.json'),
    sentDir,
    droppedDir,
    omittedDir,
    pending: (week) => join(dir, `${week}.json`),
    lock: (week) => join(dir, `${week}.lock`),
    sent: (week) => join(sentDir, `${week}.json`),
    dropped: (week) => join(droppedDir, `${week}.json`),
    refused: (week) => join(droppedDir, `${week}.report.json`),
    omitted: (week) => join(omittedDir, `${week}.json`),
  };
}

/** Trusted checkpoints of every collector's config log (config/'s stateDir). */
export function trustDir(dirs: Layout): string {
  return join(dirs.uploadDir, 'trust');
}

/** The week's local report: everything counted, every program, never sent. */
export function localReportPath(dirs: Layout, week: string): string {
  return join(dirs.localDir, `local.${week}.json`);
}

/** Weeks of `<week>.json` files in a folder, sorted. */
export function weekFiles(names: string[]): string[] {
  return names
    .filter((name) => name.endsWith('.json') && WEEK_RE.test(name.slice(0, -5)))
    .map((name) => name.slice(0, -5))
    .sort();
}
