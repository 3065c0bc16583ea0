// What `telemetry view` marks: per program in mode `on` that names a collector, the counters
// and stack prefixes that collector's last verified config lists (so they go in its reports,
// when the week's draw keeps them), and those the sent copies actually held, per week. Read
// from disk only: the view never reaches the network.
import { isUnreadable, readText } from '../safeio/index.js';
import type { Layout, ProgramSettings } from '../counter/settings/index.js';
import { buildQuery, parseConfig, type UploadConfig } from '../config/index.js';
import { decodeReport } from '../report/index.js';
import { collectorId, collectorPaths, type CollectorPaths, weekFiles } from './paths.js';
import { listNames } from './store.js';

export interface ProgramMarks {
  collector: string;
  /** `v<index>` of the last verified config, or null when none was verified yet. */
  config: string | null;
  /** Counter names and stack prefixes the config lists for the program, with their Rate. */
  listed: Record<string, number>;
  /** Week → names the sent report held for the program (stacks by their full, truncated name). */
  sent: Record<string, string[]>;
}

/** The verified config, cached beside the collector's status for the view (never used to build a report). */
export function configCacheText(version: string, config: UploadConfig): string {
  return JSON.stringify({ config: version, body: config }, null, 1) + '\n';
}

export function readCachedConfig(
  paths: CollectorPaths,
): { version: string; config: UploadConfig } | null {
  const t = readText(paths.configFile, 4 << 20);
  if (isUnreadable(t)) return null;
  try {
    const j = JSON.parse(t) as { config: string; body: unknown };
    return { version: j.config, config: parseConfig(JSON.stringify(j.body)) };
  } catch {
    return null;
  }
}

/** Marks for `program`, or null when it sends nothing (not on, or no collector). */
export function programMarks(
  dirs: Layout,
  program: string,
  settings: ProgramSettings | undefined,
  mode: string,
): ProgramMarks | null {
  const c = settings?.collector;
  if (mode !== 'on' || !c) return null;
  const p = collectorPaths(dirs, collectorId(c));
  const cached = readCachedConfig(p);
  const listed: Record<string, number> = {};
  if (cached) {
    const q = buildQuery(cached.config);
    const own = cached.config.Programs.find((x) => x.Name === program);
    for (const n of q.counterNames(program)) listed[n] = q.counterRate(program, n) ?? 0;
    for (const s of own?.Stacks ?? []) listed[s.Name] = s.Rate;
  }
  const sent: Record<string, string[]> = {};
  for (const week of weekFiles(listNames(p.sentDir))) {
    const t = readText(p.sent(week), 1 << 20);
    if (isUnreadable(t)) continue;
    try {
      const names = (decodeReport(t).Programs ?? [])
        .filter((x) => x.Program === program)
        .flatMap((x) => [...Object.keys(x.Counters), ...Object.keys(x.Stacks)]);
      sent[week] = [...new Set(names)].sort();
    } catch {
      // An unreadable copy marks nothing.
    }
  }
  return { collector: c.url, config: cached?.version ?? null, listed, sent };
}
